import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { getCollectionSpecs, type CollectionSpecMetadata } from '../decorators/collection-metadata';
import { getFunctionMetadata, getValueSpecs, type ValueSpecMetadata } from '../decorators/function-metadata';
import type { Context } from '../function/context';
import { toMillis } from '../function/duration';
import type { Message } from '../function/message';
import { parseTypename } from '../function/typename';
import { LIST_STATE_TYPENAME, MAP_STATE_TYPENAME } from '../protocol/collection-values';
import { PbExpireMode, type PbValueSpec } from '../protocol/wire-types';
import { RESERVED_STATE_PREFIX } from '../schedule/schedule-table';
import type { EntryExpiry, StateDefinition } from '../state/state-definition';
import type { Type } from '../types/type';

export type { StateDefinition } from '../state/state-definition';

/** A class decorated with `@StatefulFunction`: constructible without arguments, with `apply`. */
export type FunctionClass = new () => {
  apply(ctx: Context<never>, msg: Message): unknown;
};

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
  const states = defineStates(className, getValueSpecs(cls), getCollectionSpecs(cls));
  const instance = new cls();
  return {
    typename: metadata.typename,
    className,
    states,
    apply: (ctx, msg) => instance.apply(ctx, msg),
  };
}

/**
 * The states of a class: its `@ValueSpec` fields, then its `@MapSpec` and `@ListSpec` fields,
 * with names unique across all kinds.
 */
function defineStates(
  className: string,
  values: readonly ValueSpecMetadata[],
  collections: readonly CollectionSpecMetadata[],
): StateDefinition[] {
  const seen = new Map<string, string>();
  const claim = (name: string, property: string, where: string): void => {
    if (!STATE_NAME_PATTERN.test(name)) {
      throw new KeyflowError(
        SdkErrorCodes.INVALID_STATE_NAME,
        `${where}: state name '${name}' is invalid; use letters, digits and underscores, not starting with a digit.`,
      );
    }
    if (name.startsWith(RESERVED_STATE_PREFIX)) {
      throw new KeyflowError(
        SdkErrorCodes.INVALID_STATE_NAME,
        `${where}: state name '${name}' is reserved (names starting with ${RESERVED_STATE_PREFIX} are Keyflow's own); choose another name.`,
      );
    }
    const previous = seen.get(name);
    if (previous !== undefined) {
      throw new KeyflowError(
        SdkErrorCodes.DUPLICATE_STATE,
        `${where}: state name '${name}' is already used by ${className}.${previous}; state names must be unique per function, across @ValueSpec, @MapSpec and @ListSpec.`,
      );
    }
    seen.set(name, property);
  };
  const states: StateDefinition[] = [];
  for (const spec of values) {
    const where = `@ValueSpec on ${className}.${spec.property}`;
    const name = spec.name ?? spec.property;
    claim(name, spec.property, where);
    const type = checkType(spec.type, where, '@ValueSpec({ type: Types.int })');
    const expiration = expirationOf(spec.expireAfterCall, spec.expireAfterWrite, where);
    states.push({ kind: 'value', name, property: spec.property, type, wireSpec: { stateName: name, expirationSpec: expiration, typeTypename: type.typename } });
  }
  for (const spec of collections) {
    const name = spec.name ?? spec.property;
    if (spec.kind === 'map') {
      const where = `@MapSpec on ${className}.${spec.property}`;
      claim(name, spec.property, where);
      const type = checkType(spec.value, where, '@MapSpec({ value: Types.int })', 'value type');
      const entryExpiry = entryExpiryOf(spec.expireAfterWrite, spec.expireAfterAccess, where);
      // The whole value can go once no entry can be live: every read that moves an entry's expiry
      // also writes the map, so "since the map was last written" covers both modes.
      const expirationSpec = entryExpiry ? { mode: PbExpireMode.AFTER_WRITE, expireAfterMillis: entryExpiry.millis } : undefined;
      states.push({ kind: 'map', name, property: spec.property, type, entryExpiry, wireSpec: { stateName: name, expirationSpec, typeTypename: MAP_STATE_TYPENAME } });
    } else {
      const where = `@ListSpec on ${className}.${spec.property}`;
      claim(name, spec.property, where);
      const type = checkType(spec.type, where, '@ListSpec({ type: Types.string })');
      const maxLength = spec.maxLength;
      if (maxLength !== undefined && !(Number.isSafeInteger(maxLength) && maxLength > 0)) {
        throw new KeyflowError(
          SdkErrorCodes.STATE_OPTION_INVALID,
          `${where}: maxLength ${String(maxLength)} is not a positive integer; leave it out for no limit.`,
        );
      }
      const expirationSpec = expirationOf(spec.expireAfterCall, spec.expireAfterWrite, where);
      states.push({ kind: 'list', name, property: spec.property, type, maxLength, wireSpec: { stateName: name, expirationSpec, typeTypename: LIST_STATE_TYPENAME } });
    }
  }
  return states;
}

function checkType(type: Type<unknown> | undefined, where: string, example: string, what = 'type'): Type<unknown> {
  if (!type || typeof type.typename !== 'string' || typeof type.serialize !== 'function') {
    throw new KeyflowError(SdkErrorCodes.STATE_TYPE_MISSING, `${where} has no ${what}; give one, e.g. ${example}.`);
  }
  parseTypename(type.typename, `${where}: type typename`);
  return type;
}

function expirationOf(
  afterCall: ValueSpecMetadata['expireAfterCall'],
  afterWrite: ValueSpecMetadata['expireAfterWrite'],
  where: string,
): PbValueSpec['expirationSpec'] {
  if (afterCall !== undefined && afterWrite !== undefined) {
    throw new KeyflowError(SdkErrorCodes.INVALID_DURATION, `${where} sets both expireAfterCall and expireAfterWrite; choose one.`);
  }
  if (afterCall !== undefined) {
    return { mode: PbExpireMode.AFTER_INVOKE, expireAfterMillis: toMillis(afterCall, `${where}: expireAfterCall`) };
  }
  if (afterWrite !== undefined) {
    return { mode: PbExpireMode.AFTER_WRITE, expireAfterMillis: toMillis(afterWrite, `${where}: expireAfterWrite`) };
  }
  return undefined;
}

function entryExpiryOf(
  afterWrite: ValueSpecMetadata['expireAfterWrite'],
  afterAccess: ValueSpecMetadata['expireAfterWrite'],
  where: string,
): EntryExpiry | undefined {
  if (afterWrite !== undefined && afterAccess !== undefined) {
    throw new KeyflowError(SdkErrorCodes.INVALID_DURATION, `${where} sets both expireAfterWrite and expireAfterAccess; choose one.`);
  }
  const millis =
    afterWrite !== undefined ? toMillis(afterWrite, `${where}: expireAfterWrite`)
    : afterAccess !== undefined ? toMillis(afterAccess, `${where}: expireAfterAccess`)
    : 0;
  // 0 means no expiry, as a StateFun ExpirationSpec of 0 ms does.
  if (millis === 0) return undefined;
  return { mode: afterWrite !== undefined ? 'after-write' : 'after-access', millis };
}
