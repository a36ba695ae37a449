import { defineErrorCodes } from '@keyflow/sdk';

/**
 * Every error code codegen raises. Codes are part of the contract: tests and tools match on
 * them, never on message text. Messages of errors about user code start with `file:line:column`.
 */
export const CodegenErrorCodes = defineErrorCodes(
  {
    /** Two `@StatefulFunction` classes of one project share a typename. */
    DUPLICATE_TYPENAME: 'KF_CODEGEN_DUPLICATE_TYPENAME',
    /** A typename is not `<namespace>/<name>`, or not a string codegen can read. */
    INVALID_TYPENAME: 'KF_CODEGEN_INVALID_TYPENAME',
    /** A `@ValueSpec` or `@ListSpec` has no `type`, or a `@MapSpec` no `value` type. */
    STATE_TYPE_MISSING: 'KF_CODEGEN_STATE_TYPE_MISSING',
    /** Two state specs of one function (`@ValueSpec`, `@MapSpec`, `@ListSpec`, in any mix) share a state name. */
    DUPLICATE_STATE: 'KF_CODEGEN_DUPLICATE_STATE',
    /** A field carries more than one state decorator, or a `@ListSpec` `maxLength` is not a positive integer. */
    INVALID_STATE_OPTION: 'KF_CODEGEN_INVALID_STATE_OPTION',
    /** A state name is not an identifier (letters, digits, underscores). */
    INVALID_STATE_NAME: 'KF_CODEGEN_INVALID_STATE_NAME',
    /** A state TTL is not a valid duration, or two TTL kinds are set. */
    INVALID_EXPIRATION: 'KF_CODEGEN_INVALID_EXPIRATION',
    /** `@StatefulFunction` or `@ValueSpec` arguments are not literals codegen can read. */
    UNREADABLE_OPTIONS: 'KF_CODEGEN_UNREADABLE_OPTIONS',
    /** A `@StatefulFunction` class is not exported, so the registry cannot import it. */
    NOT_EXPORTED: 'KF_CODEGEN_NOT_EXPORTED',
    /** A `@StatefulFunction` class has no `apply(ctx, msg)` method. */
    APPLY_MISSING: 'KF_CODEGEN_APPLY_MISSING',
    /** A document of `keyflow.io.yaml` has no `kind`, or declares a function endpoint. */
    IO_DOCUMENT_INVALID: 'KF_CODEGEN_IO_DOCUMENT_INVALID',
    /** buf with protoc-gen-es failed on the project's `.proto` files. */
    PROTOBUF_FAILED: 'KF_CODEGEN_PROTOBUF_FAILED',
    /** Generated files differ from what codegen produces now. */
    STALE_OUTPUTS: 'KF_CODEGEN_STALE_OUTPUTS',
    /** An option of the codegen target or generator is invalid. */
    INVALID_OPTION: 'KF_CODEGEN_INVALID_OPTION',
  } as const,
  { retryable: [] },
);

/** One of {@link CodegenErrorCodes}. */
export type CodegenErrorCode = (typeof CodegenErrorCodes)[keyof typeof CodegenErrorCodes];

declare module '@keyflow/sdk' {
  interface ErrorCodeTables {
    codegen: typeof CodegenErrorCodes;
  }
}
