import { Types } from '@keyflow/sdk';
import type { EgressRecord, Ingress, IngressCheckpoint, IngressContext, StreamingEgressSink } from '@keyflow/runtime/kinds';

/** An ingress that sends a message when told to (the closed loop of the benchmark drives it). */
export class PacedIngress implements Ingress {
  readonly id = 'bench/in';
  #context: IngressContext | undefined;
  #sent = 0;

  async start(context: IngressContext): Promise<void> {
    this.#context = context;
  }

  /** Sends the string `text` to the function `typename`, instance `id`. */
  send(typename: string, id: string, text: string): void {
    const slash = typename.lastIndexOf('/');
    (this.#context as IngressContext).enqueue({
      target: { namespace: typename.slice(0, slash), type: typename.slice(slash + 1), id },
      argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(text) },
      caller: undefined,
    });
    this.#sent++;
  }

  checkpoint(): IngressCheckpoint {
    return { position: Buffer.from(String(this.#sent)), ops: [] };
  }

  async checkpointCommitted(): Promise<void> {
    // Nothing to release.
  }

  async stop(): Promise<void> {
    // Sends only when told to.
  }
}

/** The `bench/out` egress: hands each answer (a string: the answering address id) to a listener. */
export class AnswerEgress implements StreamingEgressSink {
  readonly id = 'bench/out';
  readonly deliverySemantic = 'at-least-once' as const;
  #listener: ((id: string) => void) | undefined;

  /** Calls `listener` with every answer from now on. */
  onAnswer(listener: (id: string) => void): void {
    this.#listener = listener;
  }

  async write(records: readonly EgressRecord[]): Promise<void> {
    for (const record of records) this.#listener?.(Types.string.deserialize(record.value.value));
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}
