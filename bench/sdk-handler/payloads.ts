// Pre-encoded ToFunction requests: one target with its int state, `size` invocations from
// distinct callers, each carrying an int. Both SDKs get the very same bytes.

import { decodeFromFunction, encodeToFunction, type PbTypedValue } from '@keyflow/sdk/protocol';
import { COUNTER } from './counter-functions';

/** io.statefun.types/int as IntWrapper bytes (sfixed32 field 1). */
function int(value: number): PbTypedValue {
  const bytes = Buffer.alloc(5);
  bytes[0] = 0x0d;
  bytes.writeInt32LE(value, 1);
  return { typename: 'io.statefun.types/int', hasValue: true, value: bytes };
}

export function payload(size: number): Uint8Array {
  const slash = COUNTER.lastIndexOf('/');
  return encodeToFunction({
    target: { namespace: COUNTER.slice(0, slash), type: COUNTER.slice(slash + 1), id: 'user-1' },
    state: [{ stateName: 'count', stateValue: int(42) }],
    invocations: Array.from({ length: size }, (_, index) => ({
      caller: { namespace: 'bench', type: 'source', id: `source-${index}` },
      argument: int(index + 1),
    })),
  });
}

/** Both SDKs must do the same work: one state mutation and one message per invocation. */
export function checkReply(reply: Uint8Array, size: number, sdk: string): void {
  const decoded = decodeFromFunction(reply);
  if (
    decoded.kind !== 'invocationResult' ||
    decoded.result.stateMutations.length !== 1 ||
    decoded.result.outgoingMessages.length !== size
  ) {
    throw new Error(`${sdk} answered a batch of ${size} with ${JSON.stringify(decoded)}`);
  }
}
