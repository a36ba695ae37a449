import type { SpecReader } from './spec-reader';

/**
 * A module.yaml kind handled by a package other than the runtime, typically a connector
 * (`io.statefun.kafka.v1/ingress` from @keyflow/connectors). The loader hands the document's
 * `spec` to `parse`, which reads and validates it through the {@link SpecReader}; problems go
 * into the reader (never throw for bad input), and keys `parse` did not read are reported as
 * unknown. The value returned becomes `ExtensionConfig.config`.
 *
 * @example
 * const kafkaEgress: ModuleExtension<KafkaEgressConfig> = {
 *   kind: 'io.statefun.kafka.v1/egress',
 *   role: 'egress',
 *   parse: (spec) => ({ id: spec.typename('id'), address: spec.string('address') }),
 * };
 * await loadModule('module.yaml', { extensions: [kafkaEgress] });
 */
export interface ModuleExtension<TConfig = unknown> {
  /** The document kind, a typename such as `io.statefun.kafka.v1/ingress`. */
  readonly kind: string;
  /** Whether documents of this kind declare an ingress or an egress (their ids must be unique per role). */
  readonly role: 'ingress' | 'egress';
  parse(spec: SpecReader): TConfig;
}

/** Options of `loadModule` and `parseModule`. */
export interface ModuleLoadOptions {
  /** Kinds added by other packages (connectors). */
  readonly extensions?: readonly ModuleExtension[];
}
