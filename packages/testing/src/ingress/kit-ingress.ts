import type { Envelope, Ingress, IngressCheckpoint, IngressContext } from '@keyflow/runtime/kinds';
import type { PbTypedValue } from '@keyflow/sdk/protocol';

/** The id the kit's ingress has in checkpoints. */
export const KIT_INGRESS_ID = 'keyflow/testkit';

interface LoggedMessage {
  readonly seq: number;
  readonly envelope: Envelope;
}

/**
 * What `kit.send` accepted, kept as the HTTP ingress keeps its log on disk: it survives a
 * crash, and is cut only once a checkpoint holds the position after a message.
 */
export class IngressMessageLog {
  #messages: LoggedMessage[] = [];
  #nextSeq = 1;
  /** The first answer to each request (`kit.request`), by request id. */
  readonly replies = new Map<string, PbTypedValue>();

  /** Appends a message and returns its sequence number. */
  append(envelope: Envelope): number {
    const seq = this.#nextSeq++;
    this.#messages.push({ seq, envelope });
    return seq;
  }

  /** The messages from `seq` on, in order. */
  from(seq: number): readonly LoggedMessage[] {
    return this.#messages.filter((message) => message.seq >= seq);
  }

  /** Forgets the messages before `seq`. */
  truncateBefore(seq: number): void {
    this.#messages = this.#messages.filter((message) => message.seq >= seq);
  }

  /** The sequence number the next message gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** How many messages are kept. */
  get size(): number {
    return this.#messages.length;
  }
}

/**
 * The kit's ingress, one per runtime incarnation over one shared {@link IngressMessageLog}: its
 * checkpoint position is the first message not yet handed to the dispatcher, and on start it
 * hands over again every logged message from the checkpoint's position on, as the HTTP ingress
 * replays its log after a crash.
 */
export class KitIngress implements Ingress {
  readonly id = KIT_INGRESS_ID;
  #context: IngressContext | undefined;
  #next = 1;

  constructor(private readonly log: IngressMessageLog) {}

  async start(context: IngressContext, position: Uint8Array | undefined): Promise<void> {
    this.#context = context;
    this.#next = position === undefined ? 1 : decodePosition(position);
    for (const message of this.log.from(this.#next)) {
      context.enqueue(message.envelope);
      this.#next = message.seq + 1;
    }
  }

  /** Logs a message, then hands it to the dispatcher. */
  accept(envelope: Envelope): void {
    const seq = this.log.append(envelope);
    this.#context?.enqueue(envelope);
    this.#next = seq + 1;
  }

  /** Logs a message whose sender waits for the answer (its caller is this ingress), then hands it over; returns its request id. */
  acceptRequest(envelope: Envelope): string {
    const requestId = String(this.log.nextSeq); // the number the log gives it: unique across crashes
    const caller = (this.#context as IngressContext).callerAddress(requestId);
    this.accept({ ...envelope, caller });
    return requestId;
  }

  receiveReply(requestId: string, value: PbTypedValue): void {
    if (!this.log.replies.has(requestId)) this.log.replies.set(requestId, value);
  }

  checkpoint(): IngressCheckpoint {
    return { position: encodePosition(this.#next), ops: [] };
  }

  async checkpointCommitted(position: Uint8Array): Promise<void> {
    this.log.truncateBefore(decodePosition(position));
  }

  async stop(): Promise<void> {
    this.#context = undefined;
  }
}

function encodePosition(next: number): Uint8Array {
  return Buffer.from(JSON.stringify({ next }));
}

function decodePosition(position: Uint8Array): number {
  return (JSON.parse(Buffer.from(position).toString('utf8')) as { next: number }).next;
}
