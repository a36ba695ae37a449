import type { KindRole, ModuleComponent, ModuleConfig, SourceLocation } from '../config/module-config';
import { ModuleKinds } from '../module/kinds/module-kinds';

/**
 * A module with nothing in it, to which tests add what they need: configs of the runtime's own
 * kinds in their views (`httpIngresses: […]`), which become the module's components as the
 * loader would make them.
 */
export function emptyModule(overrides: Partial<Omit<ModuleConfig, 'components'>> = {}): ModuleConfig {
  const views = { files: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [], ...overrides };
  const component = (kind: string, role: KindRole, config: { readonly source: SourceLocation }): ModuleComponent => ({
    kind,
    role,
    source: config.source,
    config,
  });
  return {
    ...views,
    components: [
      ...views.sidecars.map((config) => component(ModuleKinds.SIDECAR, 'sidecar', config)),
      ...views.endpoints.map((config) =>
        component(config.kind === 'http' ? ModuleKinds.HTTP_ENDPOINT : ModuleKinds.EMBEDDED_ENDPOINT, 'endpoint', config),
      ),
      ...views.httpIngresses.map((config) => component(ModuleKinds.HTTP_INGRESS, 'ingress', config)),
      ...views.fileEgresses.map((config) => component(ModuleKinds.FILE_EGRESS, 'egress', config)),
    ],
  };
}
