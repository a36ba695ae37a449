import { KeyflowError } from '@keyflow/sdk';
import type { ModuleComponent, ModuleConfig } from '../config/module-config';
import type { EgressSink } from '../egress/egress-sink';
import type { RoutedEndpoint } from '../endpoints/endpoint-router';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { Ingress } from '../ingress/ingress';
import type { EndpointKindConfig, Kind, KindContext } from '../module/kinds/kind';
import type { KindRegistry } from '../module/kinds/kind-registry';
import type { SidecarProcess } from '../sidecar/sidecar-process';

/** A module document and the kind that builds it. */
export interface BoundComponent {
  readonly component: ModuleComponent;
  readonly kind: Kind;
}

/**
 * Finds the kind of every component of `module`. A module read with kinds this runtime was
 * not given fails with `KF_MODULE_UNKNOWN_KIND`, naming the document.
 */
export function bindComponents(module: ModuleConfig, kinds: KindRegistry): BoundComponent[] {
  return module.components.map((component) => {
    const kind = kinds.get(component.kind);
    if (kind === undefined || kind.role !== component.role) {
      throw new KeyflowError(
        RuntimeErrorCodes.MODULE_UNKNOWN_KIND,
        `${component.source.file}:${component.source.line}: no kind given to the runtime builds ${component.kind}; ` +
          'pass the kinds the module was loaded with in the kinds option.',
      );
    }
    return { component, kind };
  });
}

/** Builds the sidecars, in module order. */
export function createSidecars(bound: readonly BoundComponent[], context: KindContext): SidecarProcess[] {
  return bound.flatMap(({ component, kind }) => (kind.role === 'sidecar' ? [kind.create(component.config, context)] : []));
}

/** Builds the endpoints, in module order; `context.sidecars` are the ones they may wait for. */
export function createEndpoints(bound: readonly BoundComponent[], context: KindContext): RoutedEndpoint[] {
  // The config is what this very kind's spec reader returned, so it has the kind's config type.
  return bound.flatMap(({ component, kind }) =>
    kind.role === 'endpoint' ? [kind.create(component.config as EndpointKindConfig, context)] : [],
  );
}

/** Builds the ingresses, in module order. */
export function createIngresses(bound: readonly BoundComponent[], context: KindContext): Ingress[] {
  return bound.flatMap(({ component, kind }) => (kind.role === 'ingress' ? [kind.create(component.config, context)] : []));
}

/** Builds the egresses, in module order. */
export function createEgresses(bound: readonly BoundComponent[], context: KindContext): EgressSink[] {
  return bound.flatMap(({ component, kind }) => (kind.role === 'egress' ? [kind.create(component.config, context)] : []));
}
