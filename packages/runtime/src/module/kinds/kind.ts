import type { Logger } from '@keyflow/sdk';
import type { FunctionPattern, KindRole, SourceLocation } from '../../config/module-config';
import type { EgressSink } from '../../egress/egress-sink';
import type { RoutedEndpoint } from '../../endpoints/endpoint-router';
import type { Ingress } from '../../ingress/ingress';
import type { SidecarProcess } from '../../sidecar/sidecar-process';
import type { SpecReader } from '../spec-reader';

/** What a kind's factory is given besides its config. */
export interface KindContext {
  readonly logger: Logger;
  /** The sidecars of the module, started before any endpoint is built (an endpoint may wait for one). */
  readonly sidecars: readonly SidecarProcess[];
}

interface KindShape<TRole extends KindRole, TConfig, TComponent> {
  /** The document kind, a typename such as `io.statefun.kafka.v1/ingress`. */
  readonly name: string;
  /** What the runtime builds from it; ingress, egress and sidecar ids are unique per role. */
  readonly role: TRole;
  /**
   * Reads and validates a document's `spec`. Problems go into the reader (never throw for bad
   * input); keys it did not read are reported as unknown.
   */
  readSpec(spec: SpecReader, source: SourceLocation): TConfig;
  /** Builds the component of a validated config. */
  create(config: TConfig, context: KindContext): TComponent;
}

/** What every endpoint kind's config holds: the functions it serves (one endpoint per pattern). */
export interface EndpointKindConfig {
  readonly functions: FunctionPattern;
}

/** A kind of remote, co-located or embedded functions. */
export type EndpointKind<TConfig extends EndpointKindConfig = EndpointKindConfig> = KindShape<
  'endpoint',
  TConfig,
  RoutedEndpoint
>;
/** A kind of process the runtime supervises. */
export type SidecarKind<TConfig = unknown> = KindShape<'sidecar', TConfig, SidecarProcess>;
/** A kind of source of messages. */
export type IngressKind<TConfig = unknown> = KindShape<'ingress', TConfig, Ingress>;
/**
 * A kind of destination of egress records. `TSink` says which protocol its sinks offer:
 * `StreamingEgressSink` (`none`, `at-least-once`), `TransactionalEgressSink` (`exactly-once`),
 * or either (`EgressSink`, chosen per document by its delivery semantic).
 */
export type EgressKind<TConfig = unknown, TSink extends EgressSink = EgressSink> = KindShape<'egress', TConfig, TSink>;

/**
 * One module.yaml kind: its name, its role, how its spec is read and how its component is
 * created. The runtime's own kinds and those of packages (the connectors) are declared and
 * registered alike; a package lists its kinds in an export named `keyflowKinds`.
 *
 * @example
 * export const kafkaEgressKind: EgressKind<KafkaEgressConfig> = {
 *   name: 'io.statefun.kafka.v1/egress',
 *   role: 'egress',
 *   readSpec: (spec) => ({ id: spec.typename('id'), address: spec.string('address') }),
 *   create: (config, { logger }) => new KafkaEgress(config, { logger }),
 * };
 * const module = await loadModule('module.yaml', { kinds: [kafkaEgressKind] });
 */
export type Kind = EndpointKind | SidecarKind | IngressKind | EgressKind;
