import type { PbAddress } from '@keyflow/sdk/protocol';
import { typenameOfKey } from '../message/address-key';
import type { Envelope } from '../message/envelope';

/**
 * The messages of one address: at most one batch in flight, the rest waiting in arrival
 * order. The queue is an array with a moving head, so taking a batch does not shift it.
 */
export class Mailbox {
  #queue: Envelope[] = [];
  #head = 0;
  /** The batch sent and not yet answered, if any. */
  inFlight: readonly Envelope[] | undefined;
  /** True from when the dispatcher schedules the mailbox until it has sent all its messages. */
  active = false;
  /** The batch cap of this address's function type, once its endpoint is known. */
  maxBatchSize: number | undefined;
  /** How many of the next messages go one per batch, to find the one of a failed batch that fails. */
  isolating = 0;
  /** How often that failed batch was sent. */
  isolatedAfterAttempts = 0;

  /** The function typename of the address, `<namespace>/<type>`. */
  readonly typename: string;

  constructor(
    readonly key: string,
    readonly address: PbAddress,
  ) {
    this.typename = typenameOfKey(key);
  }

  /** Messages waiting, not counting the batch in flight. */
  get pendingCount(): number {
    return this.#queue.length - this.#head;
  }

  push(envelope: Envelope): void {
    this.#queue.push(envelope);
  }

  /** Takes up to `max` waiting messages, oldest first. */
  take(max: number): Envelope[] {
    if (this.#head === 0 && this.#queue.length <= max) {
      // All of the waiting messages: the common case, without a copy.
      const batch = this.#queue;
      this.#queue = [];
      return batch;
    }
    const end = Math.min(this.#queue.length, this.#head + max);
    const batch = this.#queue.slice(this.#head, end);
    this.#head = end;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return batch;
  }

  /**
   * How many of the next at most `max` waiting messages to take so that a message that `alone`
   * picks travels in a batch of its own: those before the first such message, or it alone.
   */
  batchLength(max: number, alone: (envelope: Envelope) => boolean): number {
    const end = Math.min(this.#queue.length, this.#head + max);
    for (let index = this.#head; index < end; index++) {
      if (alone(this.#queue[index] as Envelope)) return index === this.#head ? 1 : index - this.#head;
    }
    return end - this.#head;
  }

  /** Puts a batch that was taken back before the waiting messages, in its order. */
  returnToFront(batch: readonly Envelope[]): void {
    this.#queue = [...batch, ...this.#queue.slice(this.#head)];
    this.#head = 0;
  }

  /** The batch in flight, then the waiting messages: what a checkpoint must re-deliver. */
  snapshot(): Envelope[] {
    return [...(this.inFlight ?? []), ...this.#queue.slice(this.#head)];
  }
}
