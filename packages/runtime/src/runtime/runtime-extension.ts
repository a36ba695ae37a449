import type { Logger } from '@keyflow/sdk';
import type { EgressSink } from '../egress/egress-sink';
import type { Ingress } from '../ingress/ingress';
import type { ExtensionConfig } from '../module/module-config';
import type { ModuleExtension } from '../module/module-extension';

/**
 * What a package adds to the runtime (the connectors add Kafka and Kinesis): module.yaml
 * kinds it validates, and the ingresses and egresses it builds from them.
 */
export interface RuntimeExtension {
  readonly name: string;
  readonly moduleKinds: readonly ModuleExtension[];
  createIngress?(config: ExtensionConfig, logger: Logger): Ingress | undefined;
  createEgress?(config: ExtensionConfig, logger: Logger): EgressSink | undefined;
}
