// Differential test: Keyflow's request handler against the official StateFun Python SDK
// (apache-flink-statefun 3.3.0 from PyPI, in the venv tools/interop/interop.sh installs), on the
// seeded ToFunction requests of the JS differential test (to-function-cases.ts). The functions
// are written once more in Python (python/differential_functions.py); both replies are decoded
// by protobuf-es and must be equal, field by field. Equal after decoding is the criterion: the
// SDKs write fields in different orders (the official JS SDK writes a delayed message's
// cancellation token first; Java, Python and Keyflow in field-number order). When both reject a
// request, that is agreement too.
//
// Known differences of the Python SDK, and how this test treats them:
// - send_after truncates timedelta.total_seconds() * 1000 to an int, so most delays that are not
//   whole seconds are sent 1 ms short (wire-visible: 1001 ms goes out as 1000). The Python functions add
//   1 microsecond to every delay, which the truncation drops.
// - The Python SDK refuses an empty instance id ("target_id can not be missing"): it neither runs
//   a batch for one nor builds a message to one, where Keyflow and the official JS SDK do both.
//   Such a case counts as this known difference only when the batch's target id is empty or
//   Keyflow's reply does send to an empty id.
// - cancel_delayed_message accepts an empty token and sends a cancellation request without one;
//   Keyflow and the official JS and Java SDKs refuse it. The Python functions refuse it too.
// - kinesis_egress_message accepts an empty partition key (Kinesis refuses one); Keyflow and the
//   official JS SDK refuse it. The Python functions refuse it too.
// - A has_value=false argument reads as None (as in the official JS SDK): `or 0` in Python.
// - A batch without effects: the Python SDK answers an empty FromFunction (no response set),
//   Keyflow and the official JS SDK an empty invocation_result. StateFun's runtime reads both
//   as "no side effects" (and so does Keyflow's, since this test found that it did not). The
//   comparison reads the empty reply as an empty invocation_result.
// - The Python SDK writes an empty `expiration_spec` for a value without expiration, where
//   Keyflow and the official JS SDK leave the field out (wire-visible, harmless: an empty
//   ExpirationSpec reads as mode NONE either way). The comparison reads both as `{}`.
//
// Reproduce a failure:  KF_DIFF_SEED=<seed> npx jest -c packages/sdk/jest.config.cjs python-differential

import fc from 'fast-check';
import { createRequestHandler, isKeyflowError } from '@keyflow/sdk';
import { arbitraryCase, encodeCase } from './to-function-cases';
import type { JsonValue } from '@bufbuild/protobuf';
import { comparableReply, decodeReply } from './from-function-comparison';
import { keyflowFunctions } from './keyflow-functions';
import { startPythonSdk, type PythonSdk } from './python-sdk-process';

const SEED = Number(process.env['KF_DIFF_SEED'] ?? 20_251_122);
const RUNS = Number(process.env['KF_DIFF_PYTHON_RUNS'] ?? 600);

describe('Keyflow vs the official StateFun Python SDK', () => {
  let python: PythonSdk;

  beforeAll(async () => {
    // A cold machine installs the Python SDK from PyPI here (about 20 s); then cached.
    python = await startPythonSdk();
  }, 600_000);

  afterAll(async () => {
    await python?.stop();
  });

  it(`answers ${RUNS} seeded batches as the Python SDK does (seed ${SEED})`, async () => {
    const keyflow = createRequestHandler(keyflowFunctions);
    const outcomes = { result: 0, incomplete: 0, bothRejected: 0, emptyIdRefusedByPython: 0 };
    const cases = fc.sample(arbitraryCase, { seed: SEED, numRuns: RUNS });
    for (const [index, diffCase] of cases.entries()) {
      const bytes = encodeCase(diffCase);
      const theirs = await python.handle(bytes);
      let ours: { ok: true; bytes: Uint8Array } | { ok: false; error: unknown };
      try {
        ours = { ok: true, bytes: await keyflow(bytes) };
      } catch (error) {
        ours = { ok: false, error };
      }
      const where = `case ${index} of seed ${SEED}`;
      if (!theirs.ok || !ours.ok) {
        if (ours.ok && /target_id can not be missing/.test((theirs as { error: string }).error) && (diffCase.target?.id === '' || sendsToEmptyId(ours.bytes))) {
          outcomes.emptyIdRefusedByPython++;
          continue;
        }
        if (ours.ok) throw new Error(`${where}: Keyflow answered, the Python SDK raised ${(theirs as { error: string }).error}`);
        if (theirs.ok) throw new Error(`${where}: the Python SDK answered, Keyflow rejected the request: ${String(ours.error)}`);
        if (!ours.ok) expect(isKeyflowError(ours.error)).toBe(true);
        outcomes.bothRejected++;
        continue;
      }
      expect({ where, reply: normalized(comparableReply(ours.bytes)) }).toEqual({ where, reply: normalized(comparableReply(theirs.bytes)) });
      if (decodeReply(ours.bytes).response.case === 'invocationResult') outcomes.result++;
      else outcomes.incomplete++;
    }
    console.log(`python differential: ${RUNS} cases (seed ${SEED}): ${JSON.stringify(outcomes)}`);
    expect(outcomes.result).toBeGreaterThan(RUNS * 0.35);
    expect(outcomes.incomplete).toBeGreaterThan(RUNS * 0.1);
    expect(outcomes.emptyIdRefusedByPython).toBeLessThan(RUNS * 0.1);
  }, 300_000);
});

/** The reply with the known harmless differences read alike (see the top of this file). */
function normalized(reply: JsonValue): JsonValue {
  if (typeof reply === 'object' && reply !== null && Object.keys(reply).length === 0) return { invocationResult: {} };
  const missing = (reply as { incompleteInvocationContext?: { missingValues?: { expirationSpec?: JsonValue }[] } })
    .incompleteInvocationContext?.missingValues;
  for (const spec of missing ?? []) spec.expirationSpec ??= {};
  return reply;
}

/** Whether a reply sends a message, now or later, to an instance with the empty id. */
function sendsToEmptyId(bytes: Uint8Array): boolean {
  const response = decodeReply(bytes).response;
  if (response.case !== 'invocationResult') return false;
  const { outgoingMessages, delayedInvocations } = response.value;
  return [...outgoingMessages, ...delayedInvocations].some((message) => message.target !== undefined && message.target.id === '');
}
