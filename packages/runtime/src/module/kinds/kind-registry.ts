import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../../errors/runtime-error-codes';
import { BUILTIN_KINDS } from './builtin-kinds';
import type { Kind } from './kind';

/**
 * Every kind one runtime understands, by name: the built-in kinds and those of the packages
 * passed in, bound the same way. A name registered twice is refused with `KF_MODULE_INVALID`.
 *
 * @example
 * const kinds = KindRegistry.of(keyflowKinds);       // keyflowKinds from @keyflow/connectors
 * kinds.get('io.statefun.kafka.v1/ingress')?.role;   // 'ingress'
 */
export class KindRegistry {
  readonly #kinds: ReadonlyMap<string, Kind>;

  private constructor(kinds: ReadonlyMap<string, Kind>) {
    this.#kinds = kinds;
  }

  /** The built-in kinds and `kinds`. */
  static of(kinds: readonly Kind[] = []): KindRegistry {
    const table = new Map<string, Kind>();
    for (const kind of BUILTIN_KINDS) table.set(kind.name, kind);
    for (const kind of kinds) {
      if (table.has(kind.name)) {
        const builtin = BUILTIN_KINDS.some((candidate) => candidate.name === kind.name);
        throw new KeyflowError(
          RuntimeErrorCodes.MODULE_INVALID,
          `Kind '${kind.name}' is ${builtin ? 'a kind the runtime handles itself' : 'registered twice'}; pass each kind once in the kinds option.`,
        );
      }
      table.set(kind.name, kind);
    }
    return new KindRegistry(table);
  }

  get(name: string): Kind | undefined {
    return this.#kinds.get(name);
  }

  /** Every registered kind name, built-in ones first. */
  names(): string[] {
    return [...this.#kinds.keys()];
  }
}
