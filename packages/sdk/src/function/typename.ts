import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';

/** A typename split at its last `/`: `example/greeter` → `{ namespace: 'example', name: 'greeter' }`. */
export interface TypenameParts {
  readonly namespace: string;
  readonly name: string;
}

/** Typenames parsed before: functions send to the same few targets and egresses again and again. */
const parsed = new Map<string, TypenameParts>();
const MAX_REMEMBERED = 1_024;

/**
 * Splits a typename of the form `<namespace>/<name>` at its last `/`, as StateFun does, so
 * `com.example/fns/greeter` has namespace `com.example/fns`. Throws `KF_INVALID_TYPENAME`.
 */
export function parseTypename(typename: string, where = 'typename'): TypenameParts {
  const known = parsed.get(typename);
  if (known) return known;
  const parts = splitTypename(typename, where);
  if (parsed.size >= MAX_REMEMBERED) parsed.clear();
  parsed.set(typename, parts);
  return parts;
}

function splitTypename(typename: string, where: string): TypenameParts {
  if (typeof typename !== 'string' || typename.length === 0) {
    throw new KeyflowError(
      SdkErrorCodes.INVALID_TYPENAME,
      `${where} is missing: expected a string of the form <namespace>/<name>, e.g. 'example/greeter'.`,
    );
  }
  const slash = typename.lastIndexOf('/');
  const namespace = typename.slice(0, Math.max(slash, 0));
  const name = typename.slice(slash + 1);
  if (slash < 0 || namespace.length === 0 || name.length === 0 || /\s/.test(typename)) {
    throw new KeyflowError(
      SdkErrorCodes.INVALID_TYPENAME,
      `${where} '${typename}' is invalid: expected <namespace>/<name> with both parts non-empty and no spaces, e.g. 'example/greeter'.`,
    );
  }
  return Object.freeze({ namespace, name });
}

/** Joins a namespace and a name into a typename. */
export function joinTypename(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
