import type { ModuleComponent } from './kinds/builtin-kinds';
import { functionPatternKey } from './kinds/function-pattern';
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
 * The identities of a validated component. Call after the spec was read and finished: it
 * reads extension ids through `at`, which would otherwise hide that key from unknown-key checks.
 */
export function identitiesOf(component: ModuleComponent, spec: SpecReader): ComponentIdentity[] {
  const at = (group: ComponentIdentity['group'], key: string, specKey: string, shown = JSON.stringify(key)): ComponentIdentity => ({
    group,
    key,
    shown,
    path: `spec.${specKey}`,
    position: spec.location(specKey),
  });
  switch (component.kind) {
    case 'http':
    case 'embedded':
      return [at('endpoint', functionPatternKey(component.functions), 'functions')];
    case 'sidecar':
      return [at('sidecar', component.id, 'id')];
    case 'http-ingress':
      return [at('ingress', component.id, 'id'), at('listen address', `${component.host}:${component.port}`, 'port', `${component.port} (on ${component.host})`)];
    case 'file-egress':
      return [at('egress', component.id, 'id')];
    case 'extension': {
      const id = spec.at('id');
      return typeof id === 'string' ? [at(component.role, id, 'id')] : [];
    }
  }
}
