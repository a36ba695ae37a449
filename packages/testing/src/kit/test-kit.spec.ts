import { isKeyflowError, type Duration } from '@keyflow/sdk';
import { TestingErrorCodes } from '../errors/testing-error-codes';
import { AlarmCommandType, KitAlarm, KitFragile, KitGreeter, KitHeartbeat, KitInbox } from '../test-support/kit-functions';
import { TestKit } from './test-kit';

const alice = { typename: 'test/greeter', id: 'alice' };
const aliceInbox = { typename: 'test/inbox', id: 'alice' };
const greetingEgresses = ['test/greetings', { id: 'test/greetings-once', delivery: 'exactly-once' as const }];

async function greeterKit(stateBackend: 'memory' | 'rocksdb' = 'memory'): Promise<TestKit> {
  return TestKit.start({ functions: [KitGreeter, KitInbox], egresses: greetingEgresses, stateBackend });
}

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return isKeyflowError(error) ? error.code : `not a KeyflowError: ${String(error)}`;
  }
  return undefined;
}

describe('TestKit', () => {
  let kit: TestKit | undefined;
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
  });

  it('runs a message through two functions to an egress and shows their state', async () => {
    kit = await greeterKit();
    await kit.send(alice, 'Alice');
    await kit.send(alice, 'Alice');
    expect(kit.egress('test/greetings').values()).toEqual(['hello Alice #1', 'hello Alice #2']);
    expect(await kit.state(alice)).toEqual({ seen: 2 });
    expect(await kit.state(aliceInbox)).toEqual({ received: 2, last: { text: 'hello Alice #2' } });
    expect(await kit.state({ typename: 'test/greeter', id: 'nobody' })).toEqual({});
  });

  it('holds exactly-once egress records back until a checkpoint makes them durable', async () => {
    kit = await greeterKit();
    await kit.send(alice, 'Alice');
    expect(kit.egress('test/greetings-once').values()).toEqual([]);
    const checkpoint = await kit.checkpoint();
    expect(checkpoint.checkpointId).toBe(1);
    expect(kit.egress('test/greetings-once').values()).toEqual(['hello Alice #1']);
  });

  it('lets state expire on virtual time: 30 minutes after the last call it is gone', async () => {
    kit = await greeterKit();
    await kit.send(alice, 'Alice');
    await kit.advance('29m');
    expect(await kit.state(alice)).toEqual({ seen: 1 });
    await kit.send(alice, 'Alice');
    await kit.advance('30m');
    expect(await kit.state(alice)).toEqual({});
    await kit.send(alice, 'Alice');
    expect(kit.egress('test/greetings').values()).toEqual(['hello Alice #1', 'hello Alice #2', 'hello Alice #1']);
  });

  it('delivers delayed messages at their own time, in order, and not once cancelled', async () => {
    kit = await TestKit.start({ functions: [KitAlarm], egresses: ['test/rings'] });
    const clock = { typename: 'test/alarm', id: 'kitchen' };
    const start = kit.now();
    await kit.send(clock, { name: 'tea', text: 'tea is ready', in: '4m' }, AlarmCommandType);
    await kit.send(clock, { name: 'eggs', text: 'eggs are done', in: '3m' }, AlarmCommandType);
    await kit.send(clock, { name: 'oven', text: 'oven is hot', in: '10m' }, AlarmCommandType);
    await kit.send(clock, { name: 'oven', cancel: true }, AlarmCommandType);
    await kit.advance('3m');
    expect(kit.egress('test/rings').values()).toEqual([{ name: 'eggs', text: 'eggs are done' }]);
    await kit.advance('1h');
    expect(kit.egress('test/rings').values()).toEqual([
      { name: 'eggs', text: 'eggs are done' },
      { name: 'tea', text: 'tea is ready' },
    ]);
    expect(kit.now()).toBe(start + 63 * 60_000);
  });

  it('runs a year of a daily schedule, each tick at its time, without waiting', async () => {
    kit = await TestKit.start({ functions: [KitHeartbeat], egresses: ['test/ticks'], startTime: new Date('2026-01-01T00:00:00Z') });
    const heart = { typename: 'test/heartbeat', id: 'h' };
    await kit.send(heart, '1d');
    await kit.advance('365d');
    const ticks = kit.egress('test/ticks').values() as { beat: number; scheduledAt: string }[];
    expect(ticks).toHaveLength(365);
    expect(ticks[0]).toEqual({ beat: 1, scheduledAt: '2026-01-02T00:00:00.000Z' });
    expect(ticks[364]).toEqual({ beat: 365, scheduledAt: '2027-01-01T00:00:00.000Z' });
    expect(await kit.state(heart)).toEqual({ beats: 365 });
    await kit.send(heart, 'stop');
    await kit.advance('30d');
    expect(kit.egress('test/ticks').values()).toHaveLength(365);
  });

  it.each(['memory', 'rocksdb'] as const)('crashes as kill -9 (%s): back to the last checkpoint, then the ingress log replayed', async (backend) => {
    kit = await greeterKit(backend);
    await kit.send(alice, 'Alice');
    await kit.checkpoint();
    await kit.send(alice, 'Alice');
    await kit.crash();
    // The second message was not checkpointed: recovery goes back, and the log delivers it again.
    expect(await kit.state(alice)).toEqual({ seen: 2 });
    expect(await kit.state(aliceInbox)).toEqual({ received: 2, last: { text: 'hello Alice #2' } });
    // At-least-once egress saw the replayed greeting twice; exactly-once only once.
    expect(kit.egress('test/greetings').values()).toEqual(['hello Alice #1', 'hello Alice #2', 'hello Alice #2']);
    await kit.checkpoint();
    expect(kit.egress('test/greetings-once').values()).toEqual(['hello Alice #1', 'hello Alice #2']);
  });

  it('keeps delayed messages through a crash: checkpointed ones from the checkpoint, later ones by replay', async () => {
    kit = await TestKit.start({ functions: [KitAlarm], egresses: ['test/rings'] });
    const clock = { typename: 'test/alarm', id: 'kitchen' };
    await kit.send(clock, { name: 'a', text: 'first', in: '1h' }, AlarmCommandType);
    await kit.checkpoint();
    await kit.send(clock, { name: 'b', text: 'second', in: '2h' }, AlarmCommandType);
    await kit.crash();
    await kit.advance('3h');
    expect(kit.egress('test/rings').values()).toEqual([
      { name: 'a', text: 'first' },
      { name: 'b', text: 'second' },
    ]);
  });

  it('crashes for a while: what came due while the runtime was down is delivered late, after the restart', async () => {
    kit = await TestKit.start({ functions: [KitAlarm], egresses: ['test/rings'] });
    const clock = { typename: 'test/alarm', id: 'kitchen' };
    await kit.send(clock, { name: 'a', text: 'late', in: '10m' }, AlarmCommandType);
    await kit.checkpoint();
    const before = kit.now();
    await kit.crash({ downFor: '1h' });
    expect(kit.now()).toBe(before + 3_600_000);
    expect(kit.egress('test/rings').values()).toEqual([{ name: 'a', text: 'late' }]);
  });

  it('reports what the caller must fix with KF_ codes', async () => {
    expect(await codeOf(TestKit.start({}))).toBe(TestingErrorCodes.KIT_OPTIONS_INVALID);
    expect(await codeOf(TestKit.start({ functions: [KitGreeter], endpoint: 'http://127.0.0.1:1/' }))).toBe(TestingErrorCodes.KIT_OPTIONS_INVALID);
    kit = await greeterKit();
    const started = kit;
    expect(await codeOf(() => started.egress('test/nope'))).toBe(TestingErrorCodes.KIT_UNKNOWN_EGRESS);
    expect(await codeOf(started.send(alice, { not: 'typed' }))).toBe(TestingErrorCodes.KIT_VALUE_TYPE_NEEDED);
    expect(await codeOf(started.advance('soon' as Duration))).toBe('KF_INVALID_DURATION');
    expect(await codeOf(started.request(alice, 'Alice'))).toBe(TestingErrorCodes.KIT_NO_REPLY); // the greeter does not answer
    await started.close();
    expect(await codeOf(started.send(alice, 'Alice'))).toBe(TestingErrorCodes.KIT_CLOSED);
  });

  it('stops on a function that throws; the message stays logged, so a restart meets it again', async () => {
    kit = await TestKit.start({ functions: [KitFragile] });
    const fragile = { typename: 'test/fragile', id: 'f' };
    await kit.send(fragile, 'one');
    await kit.checkpoint();
    const failed = await kit.send(fragile, 'boom').catch((error: unknown) => error);
    expect(isKeyflowError(failed) && failed.code).toBe(TestingErrorCodes.KIT_FAILED);
    expect(String((failed as Error).message)).toContain('boom was sent');
    expect(await codeOf(kit.send(fragile, 'two'))).toBe(TestingErrorCodes.KIT_FAILED);
    expect(await codeOf(kit.crash())).toBe(TestingErrorCodes.KIT_FAILED);
    expect(await kit.state(fragile)).toEqual({ count: 1 });
  });
});
