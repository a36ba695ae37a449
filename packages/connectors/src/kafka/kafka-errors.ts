/** Kafka protocol errors that no retry fixes: the records or the settings must change. */
const FATAL_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_RECORD',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'INVALID_REQUIRED_ACKS',
  'INVALID_TRANSACTION_TIMEOUT',
]);

/** The Kafka error type (`MESSAGE_TOO_LARGE`, …) of a kafkajs error or of one of its causes. */
export function kafkaErrorType(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    current = (current as { cause?: unknown }).cause ?? (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/** True when retrying cannot help (a too-large record, an unknown topic name, missing rights). */
export function isFatalKafkaError(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type !== undefined && FATAL_TYPES.has(type);
}

/** True when kafkajs marks the error (or its cause) retriable: a coordinator moving or loading, a lost connection. */
export function isRetriableKafkaError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    if ((current as { retriable?: unknown }).retriable === true) return true;
    current = (current as { cause?: unknown }).cause ?? (current as { originalError?: unknown }).originalError;
  }
  return false;
}

/**
 * Runs `operation`, again after a short pause while it fails with a retriable error, for up to
 * `attempts` tries: kafkajs's admin client does not retry some coordinator errors (a group
 * coordinator that moved or is still loading after a broker start) by itself.
 */
export async function withKafkaRetries<T>(operation: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isRetriableKafkaError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1_000)));
    }
  }
}
