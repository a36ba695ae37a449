import { decodeEnvelopes, encodeEnvelopes, type Envelope } from '../message/envelope';

/** A message put aside after its invocation kept failing (see `FailurePolicy`). */
export interface ParkedMessage {
  /** Unique in the runtime's state, never reused. */
  readonly id: number;
  readonly envelope: Envelope;
  /** The last failure: its code when it had one, and its message. */
  readonly errorCode: string | undefined;
  readonly error: string;
  /** Epoch ms when it was parked. */
  readonly parkedAt: number;
  /** How often the batch holding it was sent before it was parked. */
  readonly attempts: number;
}

/**
 * The parked messages of a runtime. Durable with checkpoints (the mailbox participant writes
 * them whole, they are few): a message leaves its mailbox and enters this store in one
 * synchronous step, so a checkpoint holds it in exactly one of the two.
 */
export class ParkedMessages {
  readonly #messages = new Map<number, ParkedMessage>();
  #nextId = 1;

  /** Parks `envelope` and returns its entry. */
  add(envelope: Envelope, failure: { readonly errorCode: string | undefined; readonly error: string; readonly attempts: number }, now: number): ParkedMessage {
    const parked: ParkedMessage = { id: this.#nextId++, envelope, ...failure, parkedAt: now };
    this.#messages.set(parked.id, parked);
    return parked;
  }

  /** Every parked message, oldest first. */
  list(): ParkedMessage[] {
    return [...this.#messages.values()];
  }

  get size(): number {
    return this.#messages.size;
  }

  /** Removes and returns the message `id` (to retry or drop it); undefined when there is none. */
  take(id: number): ParkedMessage | undefined {
    const parked = this.#messages.get(id);
    this.#messages.delete(id);
    return parked;
  }

  /** The store's content, for a checkpoint. */
  encode(): Buffer {
    const messages = this.list();
    const meta = JSON.stringify({
      nextId: this.#nextId,
      messages: messages.map(({ id, errorCode, error, parkedAt, attempts }) => ({ id, errorCode, error, parkedAt, attempts })),
    });
    const json = Buffer.from(meta, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    return Buffer.concat([length, json, encodeEnvelopes(messages.map((message) => message.envelope))]);
  }

  /** Replaces the content with what {@link encode} wrote (a restore). */
  restore(bytes: Uint8Array): void {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const length = buffer.readUInt32BE(0);
    const meta = JSON.parse(buffer.toString('utf8', 4, 4 + length)) as {
      nextId: number;
      messages: { id: number; errorCode?: string; error: string; parkedAt: number; attempts: number }[];
    };
    const envelopes = decodeEnvelopes(buffer.subarray(4 + length));
    this.#messages.clear();
    meta.messages.forEach((message, index) => {
      const envelope = envelopes[index];
      if (envelope) this.#messages.set(message.id, { ...message, errorCode: message.errorCode, envelope });
    });
    this.#nextId = Math.max(this.#nextId, meta.nextId);
  }
}
