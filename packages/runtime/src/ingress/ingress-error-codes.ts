import { defineErrorCodes } from '@keyflow/sdk';

/** Error codes the HTTP ingress answers with, in its JSON `{code, message}` bodies. */
export const IngressErrorCodes = defineErrorCodes(
  {
    /** No route matches the request path. */
    NO_ROUTE: 'KF_INGRESS_NO_ROUTE',
    /** The request has no id after the route path, or another method than POST. */
    BAD_REQUEST: 'KF_INGRESS_BAD_REQUEST',
    /** The body is not a value of the route's type. */
    BAD_VALUE: 'KF_INGRESS_BAD_VALUE',
    /** The body is larger than the ingress accepts. */
    BODY_TOO_LARGE: 'KF_INGRESS_BODY_TOO_LARGE',
    /** The runtime is under backpressure or stopping: retry after `Retry-After` seconds. */
    UNAVAILABLE: 'KF_INGRESS_UNAVAILABLE',
    /** The `Idempotency-Key` was already used for a different request to the same route and id. */
    IDEMPOTENCY_KEY_REUSED: 'KF_INGRESS_IDEMPOTENCY_KEY_REUSED',
    /** The message could not be made durable; it was not accepted. */
    NOT_DURABLE: 'KF_INGRESS_NOT_DURABLE',
    /** The route takes requests with one of its bearer tokens only; this one had none or another. */
    UNAUTHORIZED: 'KF_INGRESS_UNAUTHORIZED',
    /** A route's `auth` names tokens that cannot be read (variable unset, file missing) or are too short. */
    AUTH_TOKENS_INVALID: 'KF_INGRESS_AUTH_TOKENS_INVALID',
    /** No reply is kept at that `Location`: no such request waited for one, or it is older than `replyRetention` (or beyond `maxKeptReplies`). */
    NO_REPLY: 'KF_INGRESS_NO_REPLY',
  } as const,
  { retryable: ['UNAVAILABLE', 'NOT_DURABLE'] },
);

declare module '@keyflow/sdk' {
  interface ErrorCodeTables {
    ingress: typeof IngressErrorCodes;
  }
}
