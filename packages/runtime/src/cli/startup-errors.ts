import { isKeyflowError, KeyflowError } from '@keyflow/sdk';
import { CheckpointErrorCodes } from '../checkpoint/checkpoint-error-codes';
import type { ModuleConfig } from '../config/module-config';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

/** What a startup error is explained against. */
export interface StartupContext {
  readonly module: ModuleConfig;
  /** Where checkpoints go, as given (`s3://…`, a folder). */
  readonly checkpointUri: string;
}

/**
 * Turns the errors a new user meets when `keyflow run` starts — a port in use, S3 without
 * credentials — into a `KeyflowError` that says which component, where it is declared and what
 * to do. Anything else is returned as it is.
 */
export function explainStartupError(error: unknown, context: StartupContext): unknown {
  if (isKeyflowError(error) && !isKeyflowError(error, CheckpointErrorCodes.FAILED)) return error;
  const inUse = findCause(error, (cause) => (cause as NodeJS.ErrnoException).code === 'EADDRINUSE');
  if (inUse) {
    const port = (inUse as { port?: number }).port;
    const ingress = context.module.httpIngresses.find((candidate) => candidate.port === port);
    if (ingress) {
      return new KeyflowError(
        RuntimeErrorCodes.PORT_IN_USE,
        `Port ${ingress.port} on ${ingress.host} of HTTP ingress ${ingress.id} (declared at ${ingress.source.file}:${ingress.source.line}) is in use by another process: ` +
          "stop that process, or change 'port:' there.",
        { cause: error },
      );
    }
  }
  const credentials = findCause(error, (cause) => (cause as Error).name === 'CredentialsProviderError');
  if (credentials) {
    return new KeyflowError(
      CheckpointErrorCodes.S3_CREDENTIALS_MISSING,
      `Checkpoints go to ${context.checkpointUri}, but no AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ` +
        '(or AWS_PROFILE, or run where an IAM role applies); for a local S3-speaking server also set KEYFLOW_S3_ENDPOINT.',
      { cause: error },
    );
  }
  return error;
}

/**
 * The `KF_PORT_IN_USE` error of the admin API's port, or `error` as it is when the port was not
 * the problem.
 */
export function explainAdminPortError(error: unknown, port: number): unknown {
  if (!findCause(error, (cause) => (cause as NodeJS.ErrnoException).code === 'EADDRINUSE')) return error;
  return new KeyflowError(
    RuntimeErrorCodes.PORT_IN_USE,
    `Port ${port} on 127.0.0.1 of the admin API (--port-admin or KEYFLOW_PORT_ADMIN) is in use by another process: stop that process, ` +
      'or give --port-admin another port (0 picks a free one).',
    { cause: error },
  );
}

function findCause(error: unknown, matches: (cause: unknown) => boolean): unknown {
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 10; depth++) {
    if (matches(cause)) return cause;
    cause = cause.cause;
  }
  return undefined;
}
