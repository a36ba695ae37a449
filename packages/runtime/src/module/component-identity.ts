import type { HttpIngressConfig, ModuleComponent } from '../config/module-config';
import type { EndpointKindConfig } from './kinds/kind';
import { functionPatternKey } from './kinds/function-pattern';
import { ModuleKinds } from './kinds/module-kinds';
import type { SpecPosition, SpecReader } from './spec-reader';

/** What must be unique within a group: an endpoint's function pattern, an ingress id, … */
export interface ComponentIdentity {
  readonly group: 'endpoint' | 'ingress' | 'egress' | 'sidecar' | 'listen address';
  readonly key: string;
  /** How the value reads in a message, e.g. `"example/out"` or `8090 (127.0.0.1:8090)`. */
  readonly shown: string;
  /** The key path and position of the value, for the problem about a duplicate. */
  readonly path: string;
  readonly position: SpecPosition;
}

/**
 * The identities of a validated component, the same for every kind of a role: an endpoint's
 * function pattern, the `id` of an ingress, egress or sidecar; and the host and port of an
 * HTTP ingress. Call after the spec was read and finished: it reads ids through `at`, which
 * would otherwise hide that key from unknown-key checks.
 */
export function identitiesOf(component: ModuleComponent, spec: SpecReader): ComponentIdentity[] {
  const at = (group: ComponentIdentity['group'], key: string, specKey: string, shown = JSON.stringify(key)): ComponentIdentity => ({
    group,
    key,
    shown,
    path: `spec.${specKey}`,
    position: spec.location(specKey),
  });
  if (component.role === 'endpoint') {
    return [at('endpoint', functionPatternKey((component.config as EndpointKindConfig).functions), 'functions')];
  }
  const id = spec.at('id');
  const identities = typeof id === 'string' ? [at(component.role, id, 'id')] : [];
  if (component.kind === ModuleKinds.HTTP_INGRESS) {
    const { host, port } = component.config as HttpIngressConfig;
    identities.push(at('listen address', `${host}:${port}`, 'port', `${port} (on ${host})`));
  }
  return identities;
}
