import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../../errors/runtime-error-codes';
import type { ModuleExtension } from '../module-extension';
import { BUILTIN_KINDS } from './builtin-kinds';
import type { KindParser } from './builtin-kinds';

/** Every kind one load understands: the built-in ones and those of the registered extensions. */
export function buildKindTable(extensions: readonly ModuleExtension[] = []): ReadonlyMap<string, KindParser> {
  const table = new Map(BUILTIN_KINDS);
  for (const extension of extensions) {
    if (table.has(extension.kind)) {
      const what = BUILTIN_KINDS.has(extension.kind) ? 'a kind the runtime handles itself' : 'registered by two extensions';
      throw new KeyflowError(
        RuntimeErrorCodes.MODULE_INVALID,
        `Module extension kind '${extension.kind}' is ${what}; pass each kind once in the extensions option.`,
      );
    }
    table.set(extension.kind, (spec, source) => ({
      kind: 'extension',
      source,
      kindName: extension.kind,
      role: extension.role,
      config: extension.parse(spec),
    }));
  }
  return table;
}
