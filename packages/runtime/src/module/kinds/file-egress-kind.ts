import type { DeliverySemantic, FileEgressConfig, SourceLocation } from '../module-config';
import type { SpecReader } from '../spec-reader';

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

/** `deliverySemantic: <semantic>` or, as StateFun's Kafka egress writes it, `deliverySemantic: { type: <semantic> }`. */
function readDeliverySemantic(spec: SpecReader): DeliverySemantic | undefined {
  if (spec.typeOf('deliverySemantic') === 'map') return spec.object('deliverySemantic').enumOf('type', SEMANTICS);
  return spec.optionalEnumOf('deliverySemantic', SEMANTICS);
}
