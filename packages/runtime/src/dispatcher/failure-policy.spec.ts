import { KeyflowError } from '@keyflow/sdk';
import { address, argumentsOf, fromFunction, intValue, modify, textOf } from '@keyflow/sdk/test-support';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { capturedLogs } from '../test-support/captured-logs';
import { dispatcherHarness, type DispatcherHarness } from '../test-support/dispatcher-harness';
import { envelope } from '../test-support/envelopes';
import { flushPromises } from '../test-support/flush-promises';
import { ParkedMessages } from './parked-messages';

// A batch that keeps failing is sent again for the policy's time, then the message that fails is
// found (the batch's messages go one by one), parked, and the address goes on with its next one.

const COUNTER = 'test/counter';
const POISON = new KeyflowError(RuntimeErrorCodes.ENDPOINT_FAILED, 'the function threw on "poison"');

function poisonHarness(retryForMs: number, then: 'park' | 'stop' = 'park', logger = capturedLogs().logger): DispatcherHarness {
  const h = dispatcherHarness({ functions: { [COUNTER]: 1000 }, failurePolicy: { retryForMs, then }, logger });
  h.endpoint(COUNTER).respondWith((request) => {
    if (argumentsOf(request).includes('poison')) return Promise.reject(POISON);
    return fromFunction({ stateMutations: [modify('seen', intValue(request.invocations.length))] });
  });
  return h;
}

const send = (h: DispatcherHarness, id: string, ...texts: string[]) => {
  for (const text of texts) h.dispatcher.enqueue(envelope(address(COUNTER, id), text));
};

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the failure policy', () => {
  it('sends a failing batch again until the policy gives up, then parks the failing message and goes on with the next', async () => {
    const h = poisonHarness(300);
    const endpoint = h.endpoint(COUNTER);
    endpoint.hold((request) => argumentsOf(request).includes('first'));
    send(h, 'a', 'first');
    await endpoint.waitForCalls(1);
    // Three messages queue up behind the batch in flight and travel together: one is poison.
    send(h, 'a', 'm1', 'poison', 'm2');
    endpoint.calls[0]?.respond();
    await until(() => h.dispatcher.parked.size === 1);
    await h.dispatcher.whenIdle();

    const batches = endpoint.requests.map(argumentsOf);
    expect(batches[1]).toEqual(['m1', 'poison', 'm2']);
    // Retried as a batch (at least once more within 300 ms), then one by one.
    expect(batches.filter((batch) => batch.length === 3).length).toBeGreaterThanOrEqual(2);
    expect(batches.slice(-3)).toEqual([['m1'], ['poison'], ['m2']]);
    const [parked] = h.dispatcher.parked.list();
    expect(parked).toMatchObject({ id: 1, errorCode: 'KF_ENDPOINT_FAILED', error: POISON.message });
    expect(textOf(parked?.envelope.argument)).toBe('poison');
    expect(h.fatal).toEqual([]);
    expect(h.dispatcher.stats()).toMatchObject({ queuedMessages: 0 });
  });

  it('warns once per failing batch, with how long it is retried; further attempts are debug lines, the parking an error', async () => {
    const logs = capturedLogs();
    const h = poisonHarness(300, 'park', logs.logger);
    send(h, 'a', 'poison');
    await until(() => h.dispatcher.parked.size === 1);
    const retries = logs.lines.filter((line) => line.msg.startsWith('a batch failed'));
    expect(retries.filter((line) => line.level === 'warn').map((line) => line.msg)).toEqual(['a batch failed; sending it again with growing pauses for up to 300 ms']);
    expect(retries.filter((line) => line.level === 'debug').length).toBeGreaterThanOrEqual(1);
    expect(logs.lines.filter((line) => line.level === 'error').map((line) => line.msg)).toEqual([
      'parked a message whose invocation kept failing; the address goes on with its next message (keyflow messages list)',
    ]);
  });

  it('keeps a retried batch in flight, so that a checkpoint holds it', async () => {
    const h = poisonHarness(60_000);
    send(h, 'a', 'poison');
    await h.endpoint(COUNTER).waitForCalls(1);
    await flushPromises();
    expect(h.dispatcher.snapshot().map((message) => textOf(message.argument))).toEqual(['poison']);
    expect(h.dispatcher.parked.size).toBe(0);
    h.dispatcher.stopRetries();
  });

  it('with `stop`, stops after the retries as StateFun does', async () => {
    const h = poisonHarness(200, 'stop');
    send(h, 'a', 'poison');
    await until(() => h.fatal.length === 1);
    expect(h.fatal).toEqual([POISON]);
    expect(h.endpoint(COUNTER).requests.length).toBeGreaterThanOrEqual(2);
    expect(h.dispatcher.parked.size).toBe(0);
  });

  it('retries a parked message on request (at the end of its mailbox) and drops one for good', async () => {
    const h = poisonHarness(0);
    send(h, 'a', 'poison');
    send(h, 'b', 'poison');
    await until(() => h.dispatcher.parked.size === 2);
    const [first, second] = h.dispatcher.parked.list();
    h.endpoint(COUNTER).respondWith(() => fromFunction()); // the function was fixed
    expect(h.dispatcher.retryParked(first?.id ?? 0)?.envelope.target.id).toBe('a');
    await h.dispatcher.whenIdle();
    expect(argumentsOf(h.endpoint(COUNTER).requests.at(-1)!)).toEqual(['poison']);
    expect(h.dispatcher.dropParked(second?.id ?? 0)?.envelope.target.id).toBe('b');
    expect(h.dispatcher.parked.size).toBe(0);
    expect(h.dispatcher.retryParked(99)).toBeUndefined();
  });

  it('still stops at once on a failure of the runtime itself (its state backend)', async () => {
    const h = poisonHarness(60_000);
    const broken = new KeyflowError(RuntimeErrorCodes.STATE_BACKEND_FAILED, 'disk gone');
    h.endpoint(COUNTER).respondWith(() => Promise.reject(broken));
    send(h, 'a', 'm1');
    await until(() => h.fatal.length === 1);
    expect(h.fatal).toEqual([broken]);
  });
});

describe('ParkedMessages', () => {
  it('encodes and restores its messages with their failure, and never reuses an id', () => {
    const store = new ParkedMessages();
    const first = store.add(envelope(address(COUNTER, 'a'), 'poison'), { errorCode: 'KF_ENDPOINT_FAILED', error: 'threw', attempts: 4 }, 1_000);
    store.add(envelope(address(COUNTER, 'b'), 'also'), { errorCode: undefined, error: 'other', attempts: 1 }, 2_000);
    store.take(first.id);
    const restored = new ParkedMessages();
    restored.restore(store.encode());
    expect(restored.list().map(({ id, errorCode, error, attempts, parkedAt, envelope: message }) => ({ id, errorCode, error, attempts, parkedAt, text: textOf(message.argument), target: message.target.id }))).toEqual([
      { id: 2, errorCode: undefined, error: 'other', attempts: 1, parkedAt: 2_000, text: 'also', target: 'b' },
    ]);
    expect(restored.add(envelope(address(COUNTER, 'c'), 'x'), { errorCode: undefined, error: 'e', attempts: 1 }, 3_000).id).toBe(3);
  });
});
