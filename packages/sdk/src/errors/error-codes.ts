import { defineErrorCodes } from './define-error-codes';

/**
 * Every error code the sdk raises. Codes are part of the public contract: tests and
 * programs match on them, never on message text.
 */
export const SdkErrorCodes = defineErrorCodes(
  {
    /** A typename is not of the form `<namespace>/<name>`. */
    INVALID_TYPENAME: 'KF_INVALID_TYPENAME',
    /** A duration string or number could not be understood. */
    INVALID_DURATION: 'KF_INVALID_DURATION',
    /** A class passed as a function is not a valid stateful function. */
    FUNCTION_INVALID: 'KF_FUNCTION_INVALID',
    /** Two functions were registered under one typename. */
    DUPLICATE_FUNCTION: 'KF_DUPLICATE_FUNCTION',
    /** A `@ValueSpec` or `@ListSpec` has no type, or a `@MapSpec` no value type. */
    STATE_TYPE_MISSING: 'KF_STATE_TYPE_MISSING',
    /** An option of a `@MapSpec` or `@ListSpec` is invalid (e.g. a `maxLength` that is not a positive integer). */
    STATE_OPTION_INVALID: 'KF_STATE_OPTION_INVALID',
    /** Two state specs (`@ValueSpec`, `@MapSpec`, `@ListSpec`) of one function share a state name. */
    DUPLICATE_STATE: 'KF_DUPLICATE_STATE',
    /** A state name is not a valid identifier. */
    INVALID_STATE_NAME: 'KF_INVALID_STATE_NAME',
    /** A value was read as a type other than its own. */
    TYPE_MISMATCH: 'KF_TYPE_MISMATCH',
    /** A value could not be serialized or deserialized by its type. */
    SERIALIZATION_FAILED: 'KF_SERIALIZATION_FAILED',
    /** A list or map state was used wrongly: a key that is not a string, an index that is not an integer ≥ 0, an undefined value, an assignment to the handle. */
    INVALID_STATE_ACCESS: 'KF_INVALID_STATE_ACCESS',
    /** An append or replaceAll would make a list state longer than its `maxLength`; the list is left as it was. */
    LIST_TOO_LONG: 'KF_LIST_TOO_LONG',
    /** A message to send is missing its target, value or type, or has malformed headers. */
    INVALID_MESSAGE: 'KF_INVALID_MESSAGE',
    /** The request bytes are not a valid protobuf `ToFunction`. */
    PROTOCOL_MALFORMED: 'KF_PROTOCOL_MALFORMED',
    /** The request is valid protobuf but not a usable invocation (no target, bad address). */
    BAD_REQUEST: 'KF_BAD_REQUEST',
    /** No function is registered for the target typename. */
    UNKNOWN_FUNCTION: 'KF_UNKNOWN_FUNCTION',
    /** The user's function threw. */
    FUNCTION_FAILED: 'KF_FUNCTION_FAILED',
    /** An HTTP request used a method other than POST. */
    METHOD_NOT_ALLOWED: 'KF_METHOD_NOT_ALLOWED',
    /** An HTTP request body exceeded the configured limit. */
    BODY_TOO_LARGE: 'KF_BODY_TOO_LARGE',
    /** `ctx.reply` was called for a message that has no caller to answer (it came from an ingress). */
    NO_CALLER: 'KF_NO_CALLER',
    /** A decorator was applied where it cannot work: a non-field, a static or private field, or a compiler without decorator metadata. */
    DECORATOR_UNSUPPORTED: 'KF_DECORATOR_UNSUPPORTED',
    /** A cron expression could not be parsed, or can never fire. */
    INVALID_CRON: 'KF_INVALID_CRON',
    /** A schedule has a bad name, rule, time zone or message. */
    INVALID_SCHEDULE: 'KF_INVALID_SCHEDULE',
    /** The function service checks request signatures and this request's is missing, stale, from an unknown key or wrong. */
    REQUEST_SIGNATURE_INVALID: 'KF_REQUEST_SIGNATURE_INVALID',
    /** Request signing is configured with a key that is empty, too short, or has no id. */
    SIGNING_KEY_INVALID: 'KF_SIGNING_KEY_INVALID',
    /** An unexpected failure inside the function service's handler (a bug, not the user's function). */
    INTERNAL: 'KF_INTERNAL',
  } as const,
  { retryable: [] },
);

/**
 * The error code tables of the Keyflow packages, by package. Each package adds its own table by
 * declaration merging, next to the table:
 *
 * ```ts
 * declare module '@keyflow/sdk' {
 *   interface ErrorCodeTables { runtime: typeof RuntimeErrorCodes }
 * }
 * ```
 *
 * so that {@link ErrorCode} is exactly the codes of the packages a program uses, and a code that
 * is in no table does not compile.
 */
export interface ErrorCodeTables {
  sdk: typeof SdkErrorCodes;
}

/** A stable Keyflow error code such as `KF_UNKNOWN_FUNCTION`: one of the codes of {@link ErrorCodeTables}. */
export type ErrorCode = { [Table in keyof ErrorCodeTables]: ErrorCodeTables[Table][keyof ErrorCodeTables[Table]] }[keyof ErrorCodeTables];
