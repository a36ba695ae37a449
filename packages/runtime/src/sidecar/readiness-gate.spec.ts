import { ReadinessGate } from './readiness-gate';

/** 'resolved', 'rejected' or 'pending', after every queued microtask has run. */
const settledState = async (promise: Promise<void>): Promise<string> => {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return state;
};

describe('ReadinessGate', () => {
  test('waiters pass when it opens, wait again after it closes, and are rejected once it fails', async () => {
    const gate = new ReadinessGate();
    const first = gate.wait();
    expect(await settledState(first)).toBe('pending');
    gate.open();
    expect(await settledState(first)).toBe('resolved');
    expect(gate.isOpen).toBe(true);

    gate.close();
    const second = gate.wait();
    expect(await settledState(second)).toBe('pending');
    gate.fail(new Error('stopped'));
    expect(await settledState(second)).toBe('rejected');
    expect(await settledState(gate.wait())).toBe('rejected');
    gate.open();
    expect(await settledState(gate.wait())).toBe('rejected');
  });

  test('failing with nobody waiting is not an unhandled rejection', async () => {
    new ReadinessGate().fail(new Error('stopped'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
