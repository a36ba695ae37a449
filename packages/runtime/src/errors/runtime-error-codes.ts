import { defineErrorCodes } from '@keyflow/sdk';

/**
 * Error codes of the runtime. Stable: tests and operators match on them.
 */
export const RuntimeErrorCodes = defineErrorCodes(
  {
    /** module.yaml is not valid: the message names the file, line, key and what was expected. */
    MODULE_INVALID: 'KF_MODULE_INVALID',
    /** A module.yaml document has a kind that no loaded package knows. */
    MODULE_UNKNOWN_KIND: 'KF_MODULE_UNKNOWN_KIND',
    /** A package declares module.yaml kinds in its package.json but does not export them as it says. */
    KIND_PACKAGE_INVALID: 'KF_KIND_PACKAGE_INVALID',
    /** A module file could not be read. */
    MODULE_UNREADABLE: 'KF_MODULE_UNREADABLE',
    /** A message targets a function type that no endpoint serves. */
    NO_ENDPOINT: 'KF_NO_ENDPOINT',
    /** The tracing options are not usable: an OTLP endpoint that is not an http(s) URL, or a sample ratio outside 0..1. */
    TRACING_INVALID: 'KF_TRACING_INVALID',
    /** A function sent a message to an ingress caller address (`keyflow.ingress/…`) that no ingress of this runtime owns. */
    UNKNOWN_INGRESS_CALLER: 'KF_UNKNOWN_INGRESS_CALLER',
    /** A remote function endpoint could not be reached or kept failing within the call timeout. */
    ENDPOINT_UNREACHABLE: 'KF_ENDPOINT_UNREACHABLE',
    /** A remote function endpoint answered with an error status or an invalid body. */
    ENDPOINT_FAILED: 'KF_ENDPOINT_FAILED',
    /** An embedded function module could not be loaded. */
    EMBEDDED_MODULE_FAILED: 'KF_EMBEDDED_MODULE_FAILED',
    /** A sidecar process could not be started or did not open its socket in time. */
    SIDECAR_FAILED: 'KF_SIDECAR_FAILED',
    /** A function kept answering IncompleteInvocationContext. */
    STATE_NEGOTIATION_FAILED: 'KF_STATE_NEGOTIATION_FAILED',
    /** The state backend failed to read or write. */
    STATE_BACKEND_FAILED: 'KF_STATE_BACKEND_FAILED',
    /** Another running process uses the state folder: stop it or use another `--state-dir`. */
    STATE_DIR_IN_USE: 'KF_STATE_DIR_IN_USE',
    /** Stored state could not be decoded. */
    STATE_CORRUPT: 'KF_STATE_CORRUPT',
    /** The ingress log could not be written or read. */
    INGRESS_LOG_FAILED: 'KF_INGRESS_LOG_FAILED',
    /** An egress record could not be written. */
    EGRESS_FAILED: 'KF_EGRESS_FAILED',
    /** A record for an egress that module.yaml does not declare. */
    UNKNOWN_EGRESS: 'KF_UNKNOWN_EGRESS',
    /** `GET /metrics` of a runtime started with `metrics: false`: start it without that option, or read `GET /metrics.json`. */
    METRICS_OFF: 'KF_METRICS_OFF',
    /** Collecting the Prometheus metrics failed (a bug): retry the scrape, report it if it persists. */
    METRICS_FAILED: 'KF_METRICS_FAILED',
    /** The console's static files are not where the package keeps them (`console/`): reinstall `@keyflow/runtime`. */
    CONSOLE_MISSING: 'KF_CONSOLE_MISSING',
    /** A console API request lacks its function type or id: the message says what to send. */
    CONSOLE_BAD_REQUEST: 'KF_CONSOLE_BAD_REQUEST',
    /** The command line was not understood. */
    CLI_USAGE: 'KF_CLI_USAGE',
    /** A port the runtime listens on (an HTTP ingress, the admin API) is taken: stop the other process or choose another port. */
    PORT_IN_USE: 'KF_PORT_IN_USE',
    /** The state folder is a file or cannot be written: pass another `--state-dir`, or fix its permissions. */
    STATE_DIR_UNUSABLE: 'KF_STATE_DIR_UNUSABLE',
    /** A file egress's path cannot be written (checked at startup): fix `path:` in module.yaml or the folder's permissions. */
    EGRESS_PATH_UNWRITABLE: 'KF_EGRESS_PATH_UNWRITABLE',
    /** The `keyflow` command's compiled code is missing or out of date and could not be compiled: see the compiler's errors, or run `npm ci`. */
    CLI_NOT_BUILT: 'KF_CLI_NOT_BUILT',
    /** An unexpected failure of the `keyflow` command; run it again with `--verbose` for the stack. */
    CLI_FAILED: 'KF_CLI_FAILED',
    /** The admin API has no such route or no such savepoint. */
    ADMIN_NOT_FOUND: 'KF_ADMIN_NOT_FOUND',
    /** An admin request without the admin token (or with another): send `Authorization: Bearer <token>`. */
    ADMIN_UNAUTHORIZED: 'KF_ADMIN_UNAUTHORIZED',
    /** The admin API was asked to listen beyond this machine without a token (or with one too short to be safe). */
    ADMIN_TOKEN_REQUIRED: 'KF_ADMIN_TOKEN_REQUIRED',
  } as const,
  {
    retryable: [
      'ENDPOINT_UNREACHABLE',
      'SIDECAR_FAILED',
      'STATE_BACKEND_FAILED',
      'INGRESS_LOG_FAILED',
      'EGRESS_FAILED',
      'METRICS_FAILED',
    ],
  },
);

declare module '@keyflow/sdk' {
  interface ErrorCodeTables {
    runtime: typeof RuntimeErrorCodes;
  }
}
