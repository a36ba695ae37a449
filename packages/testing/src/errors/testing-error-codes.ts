import { defineErrorCodes } from '@keyflow/sdk';

/**
 * Error codes of `@keyflow/testing`. Stable: tests match on them.
 */
export const TestingErrorCodes = defineErrorCodes(
  {
    /** `TestKit.start` was given neither `functions` nor `endpoint`, or both. */
    KIT_OPTIONS_INVALID: 'KF_TESTKIT_OPTIONS_INVALID',
    /** `kit.egress(id)` names an egress the kit was not started with. */
    KIT_UNKNOWN_EGRESS: 'KF_TESTKIT_UNKNOWN_EGRESS',
    /** `kit.send` got a value whose wire type it cannot tell (an object without a `type`). */
    KIT_VALUE_TYPE_NEEDED: 'KF_TESTKIT_VALUE_TYPE_NEEDED',
    /** The kit was used after `close()`. */
    KIT_CLOSED: 'KF_TESTKIT_CLOSED',
    /** Processing stopped on an error (a function threw, an endpoint failed); the kit cannot go on. */
    KIT_FAILED: 'KF_TESTKIT_FAILED',
    /** `kit.request` got no answer: the function neither called `ctx.reply` nor sent to its caller. */
    KIT_NO_REPLY: 'KF_TESTKIT_NO_REPLY',
  } as const,
  { retryable: [] },
);

declare module '@keyflow/sdk' {
  interface ErrorCodeTables {
    testing: typeof TestingErrorCodes;
  }
}
