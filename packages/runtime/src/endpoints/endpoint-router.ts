import { KeyflowError } from '@keyflow/sdk';
import type { DispatchTarget, DispatchTargets } from './dispatch-target';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { FunctionPattern } from '../config/module-config';
import type { FunctionEndpoint } from './function-endpoint';
import { matchesPattern } from './function-pattern';

/** An endpoint and the function types it serves. */
export interface RoutedEndpoint extends DispatchTarget {
  readonly functions: FunctionPattern;
}

/** Finds the endpoint of a function type: an exact typename wins over a `namespace/*` pattern. */
export class EndpointRouter implements DispatchTargets {
  constructor(private readonly endpoints: readonly RoutedEndpoint[]) {}

  targetFor(typename: string): DispatchTarget {
    const target = this.#find(typename);
    if (!target) {
      throw new KeyflowError(
        RuntimeErrorCodes.NO_ENDPOINT,
        `No endpoint in module.yaml serves function type ${typename}; add one whose 'functions' is ${typename} or ${typename.slice(0, typename.lastIndexOf('/'))}/*.`,
      );
    }
    return target;
  }

  serves(typename: string): boolean {
    return this.#find(typename) !== undefined;
  }

  /** Every distinct endpoint. */
  all(): FunctionEndpoint[] {
    return [...new Set(this.endpoints.map((routed) => routed.endpoint))];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((endpoint) => endpoint.close()));
  }

  #find(typename: string): RoutedEndpoint | undefined {
    return (
      this.endpoints.find((routed) => routed.functions.kind === 'function' && matchesPattern(routed.functions, typename)) ??
      this.endpoints.find((routed) => matchesPattern(routed.functions, typename))
    );
  }
}
