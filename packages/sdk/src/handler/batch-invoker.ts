import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { fromPbAddress, type Address } from '../function/address';
import { Message } from '../function/message';
import {
  REPLY_TYPENAME,
  REQUEST_TYPENAME,
  SCHEDULE_TICK_TYPENAME,
  decodeReplyEnvelope,
  decodeRequestEnvelope,
  decodeScheduleTick,
} from '../protocol/keyflow-envelopes';
import type {
  PbFromFunction,
  PbEffectCounts,
  PbInvocation,
  PbInvocationBatchRequest,
  PbPersistedValue,
  PbTypedValue,
  PbValueSpec,
} from '../protocol/wire-types';
import { SCHEDULES_STATE_NAME, SCHEDULES_STATE_SPEC } from '../schedule/schedule-table';
import type { StateBackings } from '../state/state-backing';
import { StorageFactory, type AddressStorage } from './address-storage';
import type { FunctionDefinition, FunctionRegistry } from './function-registry';
import { InvocationContext, type SchedulingInput } from './invocation-context';

/** A registered function with the factory of its `ctx.storage` objects. */
interface InvocableFunction {
  readonly definition: FunctionDefinition;
  readonly storage: StorageFactory;
}

/** Every typename of Keyflow's own messages (requests, replies, ticks) starts so. */
const KEYFLOW_TYPENAME_PREFIX = 'type.googleapis.com/io.keyflow.sdk.';

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

  readonly #clock: () => number;

  /** `clock` is the time schedules and map entry expiry compute with (milliseconds since the epoch). */
  constructor(registry: FunctionRegistry, clock: () => number = Date.now) {
    this.#registry = registry;
    this.#clock = clock;
    for (const definition of registry.list()) {
      this.#functions.set(definition.typename, { definition, storage: new StorageFactory(definition.states, { clock }) });
    }
  }

  /**
   * Runs one batch. Synchronous functions are run synchronously and the response returned
   * directly; a promise is returned only once a function returns one. Throws (or rejects
   * with) `KF_BAD_REQUEST` (no or bad target), `KF_UNKNOWN_FUNCTION`, or `KF_FUNCTION_FAILED`
   * (the function threw; no effect of the batch is returned). `backings`, when given, hold the
   * batch's lists and maps instead of their PersistedValues (the runtime's entry-level storage).
   */
  invoke(batch: PbInvocationBatchRequest, backings?: StateBackings): PbFromFunction | Promise<PbFromFunction> {
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
    const storage = storageFactory.create(stored.values, backings);
    const scheduling = { pbSelf: target, stored: stored.schedules, clock: this.#clock };
    return new BatchRun(definition, fromPbAddress(target), storage, batch.invocations, scheduling).runFrom(0);
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
  /** Where each invocation's effects begin. */
  readonly #effectStarts: PbEffectCounts[] = [];

  constructor(
    private readonly definition: FunctionDefinition,
    private readonly self: Address,
    private readonly storage: AddressStorage,
    private readonly invocations: readonly PbInvocation[],
    scheduling: SchedulingInput,
  ) {
    this.#context = new InvocationContext(self, storage.object, scheduling);
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
    const { outgoingMessages, delayedInvocations, outgoingEgresses } = context.effects;
    this.#effectStarts.push({ messages: outgoingMessages.length, delayed: delayedInvocations.length, egress: outgoingEgresses.length });
    context.caller = invocation.caller ? fromPbAddress(invocation.caller) : undefined;
    context.replyTarget = invocation.caller;
    context.correlationId = undefined;
    const argument = invocation.argument ?? EMPTY_ARGUMENT;
    let message: Message;
    try {
      if (argument.typename.startsWith(KEYFLOW_TYPENAME_PREFIX)) {
        const unwrapped = this.#unwrap(argument, invocation);
        if (!unwrapped) return undefined; // a stale schedule tick
        message = unwrapped;
      } else {
        message = new Message(argument, invocation.headers);
      }
    } catch (error) {
      throw new KeyflowError(
        SdkErrorCodes.BAD_REQUEST,
        `A ${argument.typename} message to ${this.definition.typename} '${this.self.id}' could not be read: ${(error as Error).message}`,
        { cause: error },
      );
    }
    try {
      const result = this.definition.apply(context as never, message);
      return result instanceof Promise ? result : undefined;
    } catch (error) {
      throw functionFailed(this.definition, this.self.id, error);
    }
  }

  /**
   * Unwraps Keyflow's own messages: a request or a reply shows its payload with the correlation
   * id; a schedule tick re-arms its schedule and shows the scheduled message, or is dropped
   * (undefined) when stale.
   */
  #unwrap(argument: PbTypedValue, invocation: PbInvocation): Message | undefined {
    const context = this.#context;
    switch (argument.typename) {
      case REQUEST_TYPENAME: {
        const request = decodeRequestEnvelope(argument.value);
        context.correlationId = request.correlationId;
        if (request.replyTo) context.replyTarget = request.replyTo;
        return new Message(request.payload, invocation.headers, { correlationId: request.correlationId });
      }
      case REPLY_TYPENAME: {
        const reply = decodeReplyEnvelope(argument.value);
        return new Message(reply.payload, invocation.headers, { correlationId: reply.correlationId });
      }
      case SCHEDULE_TICK_TYPENAME: {
        const due = context.schedules.onTick(decodeScheduleTick(argument.value));
        return due && new Message(due.message, invocation.headers, { tick: due.tick });
      }
      default:
        return new Message(argument, invocation.headers);
    }
  }

  #result(): PbFromFunction {
    const context = this.#context;
    if (context.usedSchedules && context.schedules.missingState) {
      // The function set or removed a schedule, but the runtime did not send the reserved
      // state: have it registered; the runtime retries the batch with it.
      return { kind: 'incompleteInvocationContext', missingValues: [SCHEDULES_STATE_SPEC] };
    }
    let stateMutations;
    try {
      stateMutations = this.storage.collectMutations();
    } catch (error) {
      throw functionFailed(this.definition, this.self.id, error);
    }
    const scheduleMutation = context.usedSchedules ? context.schedules.mutation() : undefined;
    if (scheduleMutation) stateMutations.push(scheduleMutation);
    const { outgoingMessages, delayedInvocations, outgoingEgresses } = context.effects;
    return {
      kind: 'invocationResult',
      result: { stateMutations, outgoingMessages, delayedInvocations, outgoingEgresses },
      invocationEffects: this.#effectStarts,
    };
  }
}

/**
 * The request's state values aligned with the function's declared states, or the missing specs.
 * A name sent twice takes its last value, as in the official SDKs (which index by name).
 */
function matchState(
  definition: FunctionDefinition,
  batch: PbInvocationBatchRequest,
): { values: (PbTypedValue | undefined)[]; missing: PbValueSpec[]; schedules: PbTypedValue | undefined | null } {
  const values: (PbTypedValue | undefined)[] = [];
  const missing: PbValueSpec[] = [];
  for (const state of definition.states) {
    const provided = findState(batch, state.name);
    if (provided) values.push(provided.stateValue);
    else missing.push(state.wireSpec);
  }
  // The reserved schedules value is declared only when a batch needs it (see schedule-table.ts):
  // here, when it delivers a tick; a batch that sets a schedule asks for it when it is done.
  const reserved = batch.state.length > definition.states.length ? findState(batch, SCHEDULES_STATE_NAME) : undefined;
  if (!reserved && batch.invocations.some((invocation) => invocation.argument?.typename === SCHEDULE_TICK_TYPENAME)) {
    missing.push(SCHEDULES_STATE_SPEC);
  }
  return { values, missing, schedules: reserved ? reserved.stateValue : null };
}

/** The request's value of state `name`; a name sent twice takes its last value. */
function findState(batch: PbInvocationBatchRequest, name: string): PbPersistedValue | undefined {
  for (let index = batch.state.length - 1; index >= 0; index--) {
    const candidate = batch.state[index] as PbPersistedValue;
    if (candidate.stateName === name) return candidate;
  }
  return undefined;
}

function functionFailed(definition: FunctionDefinition, id: string, error: unknown): KeyflowError {
  const reason = error instanceof Error ? error.message : String(error);
  return new KeyflowError(
    SdkErrorCodes.FUNCTION_FAILED,
    `Function ${definition.typename} (class ${definition.className}) failed for id '${id}': ${reason}`,
    { cause: error },
  );
}
