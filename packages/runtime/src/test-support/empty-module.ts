import type { ModuleConfig } from '../module/module-config';

/** A module with nothing in it, to which tests add what they need. */
export function emptyModule(overrides: Partial<ModuleConfig> = {}): ModuleConfig {
  return { files: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [], extensions: [], ...overrides };
}
