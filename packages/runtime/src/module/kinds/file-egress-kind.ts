import type { DeliverySemantic, FileEgressConfig, SourceLocation } from '../../config/module-config';
import type { EgressSink } from '../../egress/egress-sink';
import { FileEgress } from '../../egress/file-egress';
import { TransactionalFileEgress } from '../../egress/transactional-file-egress';
import type { SpecReader } from '../spec-reader';
import type { EgressKind } from './kind';
import { ModuleKinds } from './module-kinds';

const SEMANTICS: readonly DeliverySemantic[] = ['none', 'at-least-once', 'exactly-once'];

/**
 * `io.keyflow.file.v1/egress`: each record appended to a file as one JSON line.
 *
 * ```yaml
 * kind: io.keyflow.file.v1/egress
 * spec:
 *   id: example/greetings
 *   path: ./out/greetings.jsonl          # relative to this file
 *   deliverySemantic: exactly-once       # optional, default at-least-once;
 *                                        # StateFun's form { type: exactly-once } works too
 * ```
 */
export function parseFileEgress(spec: SpecReader, source: SourceLocation): FileEgressConfig {
  return {
    kind: 'file-egress',
    source,
    id: spec.typename('id'),
    path: spec.filePath('path'),
    deliverySemantic: readDeliverySemantic(spec) ?? 'at-least-once',
  };
}

/** The file egress kind: one JSON line per record; offers both protocols, by delivery semantic. */
export const fileEgressKind: EgressKind<FileEgressConfig> = {
  name: ModuleKinds.FILE_EGRESS,
  role: 'egress',
  readSpec: parseFileEgress,
  create: createFileEgress,
};

/** A {@link TransactionalFileEgress} for `exactly-once`, else a streaming {@link FileEgress}. */
export function createFileEgress(config: FileEgressConfig): EgressSink {
  const { deliverySemantic } = config;
  return deliverySemantic === 'exactly-once' ? new TransactionalFileEgress(config) : new FileEgress({ ...config, deliverySemantic });
}

/** `deliverySemantic: <semantic>` or, as StateFun's Kafka egress writes it, `deliverySemantic: { type: <semantic> }`. */
function readDeliverySemantic(spec: SpecReader): DeliverySemantic | undefined {
  if (spec.typeOf('deliverySemantic') === 'map') return spec.object('deliverySemantic').enumOf('type', SEMANTICS);
  return spec.optionalEnumOf('deliverySemantic', SEMANTICS);
}
