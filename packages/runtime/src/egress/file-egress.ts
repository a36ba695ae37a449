import type { FileEgressConfig } from '../config/module-config';
import type { EgressRecord } from './egress-record';
import { FileLines } from './file-lines';
import type { StreamingDeliverySemantic, StreamingEgressSink } from './streaming-egress-sink';

/**
 * `io.keyflow.file.v1/egress` with `none` or `at-least-once`: appends one JSON line per record
 * as records are produced. With `exactly-once` the kind builds a {@link TransactionalFileEgress}.
 */
export class FileEgress implements StreamingEgressSink {
  readonly id: string;
  readonly deliverySemantic: StreamingDeliverySemantic;
  readonly #lines: FileLines;

  constructor(config: FileEgressConfig & { readonly deliverySemantic: StreamingDeliverySemantic }) {
    this.id = config.id;
    this.deliverySemantic = config.deliverySemantic;
    this.#lines = new FileLines(config.id, config.path);
  }

  async write(records: readonly EgressRecord[]): Promise<void> {
    await this.#lines.append(records);
  }

  async close(): Promise<void> {
    await this.#lines.close();
  }
}
