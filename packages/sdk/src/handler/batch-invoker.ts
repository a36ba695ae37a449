import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { fromPbAddress, type Address } from '../function/address';
import { Message } from '../function/message';
import type {
  PbFromFunction,
  PbInvocation,
  PbInvocationBatchRequest,
  PbPersistedValue,
  PbTypedValue,
  PbValueSpec,
} from '../protocol/wire-types';
import { StorageFactory, type AddressStorage } from './address-storage';
import type { FunctionDefinition, FunctionRegistry } from './function-registry';
import { InvocationContext } from './invocation-context';

/** A registered function with the factory of its `ctx.storage` objects. */
interface InvocableFunction {
  readonly definition: FunctionDefinition;
  readonly storage: StorageFactory;
}

const EMPTY_ARGUMENT: PbTypedValue = { typename: '', hasValue: false, value: new Uint8Array(0) };

/**
 * Runs invocation batches against registered functions, with StateFun's semantics: a batch
 * lacking declared state is answered with the missing specs; otherwise its invocations run
 * one after another, awaited, and their effects are returned together.
 */
export class BatchInvoker {
  readonly #registry: FunctionRegistry;
  readonly #functions = new Map<string, InvocableFunction>();
  /** The function of the previous batch: consecutive batches mostly address the same one. */
  #last: { namespace: string; type: string; function: InvocableFunction } | undefined;

  constructor(registry: FunctionRegistry) {
    this.#registry = registry;
    for (const definition of registry.list()) {
      this.#functions.set(definition.typename, { definition, storage: new StorageFactory(definition.states) });
    }
  }

  /**
   * Runs one batch. Synchronous functions are run synchronously and the response returned
   * directly; a promise is returned only once a function returns one. Throws (or rejects
   * with) `KF_BAD_REQUEST` (no or bad target), `KF_UNKNOWN_FUNCTION`, or `KF_FUNCTION_FAILED`
   * (the function threw; no effect of the batch is returned).
   */
  invoke(batch: PbInvocationBatchRequest): PbFromFunction | Promise<PbFromFunction> {
    const target = batch.target;
    // The id may be empty: StateFun's addresses allow it, and the official JS and Python SDKs
    // invoke the function for it (found by the differential test against the JS SDK).
    if (!target || target.namespace === '' || target.type === '') {
      throw new KeyflowError(
        SdkErrorCodes.BAD_REQUEST,
        `The invocation batch has ${target ? `an incomplete target address (namespace '${target.namespace}', type '${target.type}')` : 'no target address'}; namespace and type are required.`,
      );
    }
    const { definition, storage: storageFactory } = this.#lookup(target.namespace, target.type);

    const stored = matchState(definition, batch);
    if (stored.missing.length > 0) {
      return { kind: 'incompleteInvocationContext', missingValues: stored.missing };
    }
    const storage = storageFactory.create(stored.values);
    return new BatchRun(definition, fromPbAddress(target), storage, batch.invocations).runFrom(0);
  }

  #lookup(namespace: string, type: string): InvocableFunction {
    const last = this.#last;
    if (last && last.namespace === namespace && last.type === type) return last.function;
    const typename = `${namespace}/${type}`;
    const found = this.#functions.get(typename);
    if (!found) {
      throw new KeyflowError(
        SdkErrorCodes.UNKNOWN_FUNCTION,
        `No function is registered for ${typename}; this endpoint serves ${this.#describeFunctions()}.`,
      );
    }
    this.#last = { namespace, type, function: found };
    return found;
  }

  #describeFunctions(): string {
    const names = this.#registry.list().map((definition) => definition.typename);
    return names.length === 0 ? 'no functions' : names.join(', ');
  }
}

/** One batch being run: its invocations one after another, then its effects collected. */
class BatchRun {
  readonly #context: InvocationContext;

  constructor(
    private readonly definition: FunctionDefinition,
    private readonly self: Address,
    private readonly storage: AddressStorage,
    private readonly invocations: readonly PbInvocation[],
  ) {
    this.#context = new InvocationContext(self, storage.object);
  }

  /** Runs the invocations from `index` on; continues asynchronously after a returned promise. */
  runFrom(index: number): PbFromFunction | Promise<PbFromFunction> {
    for (; index < this.invocations.length; index++) {
      const pending = this.#apply(this.invocations[index] as PbInvocation);
      if (pending) {
        const next = index + 1;
        return pending.then(
          () => this.runFrom(next),
          (error: unknown) => {
            throw functionFailed(this.definition, this.self.id, error);
          },
        );
      }
    }
    return this.#result();
  }

  /** Calls the function for one invocation; returns its promise if it returned one. */
  #apply(invocation: PbInvocation): Promise<unknown> | undefined {
    const context = this.#context;
    context.caller = invocation.caller ? fromPbAddress(invocation.caller) : undefined;
    const message = new Message(invocation.argument ?? EMPTY_ARGUMENT, invocation.headers);
    try {
      const result = this.definition.apply(context as never, message);
      return result instanceof Promise ? result : undefined;
    } catch (error) {
      throw functionFailed(this.definition, this.self.id, error);
    }
  }

  #result(): PbFromFunction {
    let stateMutations;
    try {
      stateMutations = this.storage.collectMutations();
    } catch (error) {
      throw functionFailed(this.definition, this.self.id, error);
    }
    const { outgoingMessages, delayedInvocations, outgoingEgresses } = this.#context.effects;
    return { kind: 'invocationResult', result: { stateMutations, outgoingMessages, delayedInvocations, outgoingEgresses } };
  }
}

/**
 * The request's state values aligned with the function's declared states, or the missing specs.
 * A name sent twice takes its last value, as in the official SDKs (which index by name).
 */
function matchState(
  definition: FunctionDefinition,
  batch: PbInvocationBatchRequest,
): { values: (PbTypedValue | undefined)[]; missing: PbValueSpec[] } {
  const values: (PbTypedValue | undefined)[] = [];
  const missing: PbValueSpec[] = [];
  for (const state of definition.states) {
    let provided: PbPersistedValue | undefined;
    for (let index = batch.state.length - 1; index >= 0 && !provided; index--) {
      const candidate = batch.state[index] as PbPersistedValue;
      if (candidate.stateName === state.name) provided = candidate;
    }
    if (provided) values.push(provided.stateValue);
    else missing.push(state.wireSpec);
  }
  return { values, missing };
}

function functionFailed(definition: FunctionDefinition, id: string, error: unknown): KeyflowError {
  const reason = error instanceof Error ? error.message : String(error);
  return new KeyflowError(
    SdkErrorCodes.FUNCTION_FAILED,
    `Function ${definition.typename} (class ${definition.className}) failed for id '${id}': ${reason}`,
    { cause: error },
  );
}
