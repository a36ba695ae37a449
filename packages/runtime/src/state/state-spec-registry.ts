import type { PbValueSpec } from '@keyflow/sdk/protocol';

/**
 * The state values each function type declared, learned from `IncompleteInvocationContext`
 * answers as in StateFun: the runtime knows nothing of a function's state until it asks.
 */
export class StateSpecRegistry {
  readonly #byTypename = new Map<string, PbValueSpec[]>();

  /** The specs registered for a function type, in registration order. */
  get(typename: string): readonly PbValueSpec[] {
    return this.#byTypename.get(typename) ?? [];
  }

  /** Adds or replaces (by state name) the given specs. */
  register(typename: string, specs: readonly PbValueSpec[]): void {
    const current = [...this.get(typename)];
    for (const spec of specs) {
      const index = current.findIndex((known) => known.stateName === spec.stateName);
      if (index >= 0) current[index] = spec;
      else current.push(spec);
    }
    this.#byTypename.set(typename, current);
  }
}
