import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { getFunctionMetadata, getValueSpecs, type ValueSpecMetadata } from '../decorators/function-metadata';
import type { Context } from '../function/context';
import { toMillis } from '../function/duration';
import type { Message } from '../function/message';
import { parseTypename } from '../function/typename';
import { PbExpireMode, type PbValueSpec } from '../protocol/wire-types';
import type { Type } from '../types/type';

/** A class decorated with `@StatefulFunction`: constructible without arguments, with `apply`. */
export type FunctionClass = new () => {
  apply(ctx: Context<never>, msg: Message): unknown;
};

/** One declared state value of a function, resolved and validated. */
export interface StateDefinition {
  /** The name on the wire. */
  readonly name: string;
  /** The class field that holds it in `ctx.storage`. */
  readonly property: string;
  readonly type: Type<unknown>;
  /** The spec sent in `IncompleteInvocationContext` when the runtime lacks this value. */
  readonly wireSpec: PbValueSpec;
}

/** A registered function, ready to be invoked. */
export interface FunctionDefinition {
  readonly typename: string;
  readonly className: string;
  readonly states: readonly StateDefinition[];
  /** Calls the function's `apply` on its single instance. */
  readonly apply: (ctx: Context<never>, msg: Message) => unknown;
}

const STATE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The functions one handler serves, indexed by typename. Everything a user can get wrong in a
 * class is checked here, once, with errors that name the class.
 */
export class FunctionRegistry {
  readonly #byTypename = new Map<string, FunctionDefinition>();

  constructor(classes: readonly FunctionClass[]) {
    const given: unknown = classes;
    if (!Array.isArray(given)) {
      throw new KeyflowError(SdkErrorCodes.FUNCTION_INVALID, 'Expected an array of @StatefulFunction classes.');
    }
    for (const cls of classes) {
      const definition = defineFunction(cls);
      const existing = this.#byTypename.get(definition.typename);
      if (existing) {
        throw new KeyflowError(
          SdkErrorCodes.DUPLICATE_FUNCTION,
          `Classes ${existing.className} and ${definition.className} are both registered as ${definition.typename}; each typename may belong to one class only.`,
        );
      }
      this.#byTypename.set(definition.typename, definition);
    }
  }

  /** The function registered for `typename`, or undefined. */
  get(typename: string): FunctionDefinition | undefined {
    return this.#byTypename.get(typename);
  }

  /** Every registered function, in registration order. */
  list(): FunctionDefinition[] {
    return [...this.#byTypename.values()];
  }
}

function defineFunction(cls: FunctionClass): FunctionDefinition {
  if (typeof cls !== 'function') {
    throw new KeyflowError(
      SdkErrorCodes.FUNCTION_INVALID,
      `Expected a class decorated with @StatefulFunction, got ${cls === null ? 'null' : typeof cls}.`,
    );
  }
  const className = cls.name || '<anonymous class>';
  const metadata = getFunctionMetadata(cls);
  if (!metadata) {
    throw new KeyflowError(
      SdkErrorCodes.FUNCTION_INVALID,
      `Class ${className} is not decorated with @StatefulFunction('<namespace>/<name>').`,
    );
  }
  parseTypename(metadata.typename, `@StatefulFunction of class ${className}`);
  if (typeof (cls.prototype as { apply?: unknown }).apply !== 'function') {
    throw new KeyflowError(
      SdkErrorCodes.FUNCTION_INVALID,
      `Class ${className} (${metadata.typename}) has no apply(ctx, msg) method.`,
    );
  }
  const states = defineStates(className, getValueSpecs(cls));
  const instance = new cls();
  return {
    typename: metadata.typename,
    className,
    states,
    apply: (ctx, msg) => instance.apply(ctx, msg),
  };
}

function defineStates(className: string, specs: readonly ValueSpecMetadata[]): StateDefinition[] {
  const seen = new Map<string, string>();
  return specs.map((spec) => {
    const where = `@ValueSpec on ${className}.${spec.property}`;
    const name = spec.name ?? spec.property;
    if (!STATE_NAME_PATTERN.test(name)) {
      throw new KeyflowError(
        SdkErrorCodes.INVALID_STATE_NAME,
        `${where}: state name '${name}' is invalid; use letters, digits and underscores, not starting with a digit.`,
      );
    }
    if (!spec.type || typeof spec.type.typename !== 'string' || typeof spec.type.serialize !== 'function') {
      throw new KeyflowError(
        SdkErrorCodes.STATE_TYPE_MISSING,
        `${where} has no type; give one, e.g. @ValueSpec({ type: Types.int }).`,
      );
    }
    parseTypename(spec.type.typename, `${where}: type typename`);
    const previous = seen.get(name);
    if (previous !== undefined) {
      throw new KeyflowError(
        SdkErrorCodes.DUPLICATE_STATE,
        `${where}: state name '${name}' is already used by ${className}.${previous}; state names must be unique per function.`,
      );
    }
    seen.set(name, spec.property);
    return { name, property: spec.property, type: spec.type, wireSpec: wireSpecOf(name, spec, where) };
  });
}

function wireSpecOf(name: string, spec: ValueSpecMetadata, where: string): PbValueSpec {
  if (spec.expireAfterCall !== undefined && spec.expireAfterWrite !== undefined) {
    throw new KeyflowError(
      SdkErrorCodes.INVALID_DURATION,
      `${where} sets both expireAfterCall and expireAfterWrite; choose one.`,
    );
  }
  let expirationSpec: PbValueSpec['expirationSpec'];
  if (spec.expireAfterCall !== undefined) {
    expirationSpec = { mode: PbExpireMode.AFTER_INVOKE, expireAfterMillis: toMillis(spec.expireAfterCall, `${where}: expireAfterCall`) };
  } else if (spec.expireAfterWrite !== undefined) {
    expirationSpec = { mode: PbExpireMode.AFTER_WRITE, expireAfterMillis: toMillis(spec.expireAfterWrite, `${where}: expireAfterWrite`) };
  }
  return { stateName: name, expirationSpec, typeTypename: spec.type.typename };
}
