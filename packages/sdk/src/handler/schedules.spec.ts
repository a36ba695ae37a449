import { fromBinary } from '@bufbuild/protobuf';
import {
  SdkErrorCodes,
  StatefulFunction,
  Types,
  ValueSpec,
  createRequestHandler,
  jsonType,
  type Context,
  type Message,
  type ScheduleTickInfo,
} from '@keyflow/sdk';
import { ScheduleTickSchema } from '../generated/io/keyflow/sdk/schedule_pb';
import { SCHEDULE_TICK_TYPENAME, encodeScheduleTick } from '../protocol/keyflow-envelopes';
import { PbMutationType, type PbTypedValue } from '../protocol/wire-types';
import { SCHEDULES_STATE_NAME, SCHEDULES_STATE_TYPENAME } from '../schedule/schedule-table';
import { FakeRuntime } from '../test-support/fake-runtime';
import { expectThrowsCode } from '../test-support/keyflow-errors';
import { defined, effectsOf, missingSpecsOf } from '../test-support/run-function';
import { wrapped } from '../test-support/typed-values';
import { address, invocationResult, toFunction } from '../test-support/wire-messages';

type Command =
  | { op: 'every'; every: string; text: string }
  | { op: 'cron'; cron: string; timeZone?: string; text: string }
  | { op: 'unschedule' };
const CommandType = jsonType<Command>('test/Command');

interface Seen {
  readonly id: string;
  readonly tick: ScheduleTickInfo;
  readonly text: string;
  readonly at: number;
}
const seen: Seen[] = [];
/** The runtime of the running test, whose clock the function's records read. */
let current: FakeRuntime | undefined;

@StatefulFunction('test/ticker')
class Ticker {
  @ValueSpec({ type: Types.int }) ticks?: number;

  apply(ctx: Context<Ticker>, msg: Message): void {
    if (msg.tick) {
      seen.push({ id: ctx.self.id, tick: msg.tick, text: msg.asString(), at: current?.now ?? Number.NaN });
      ctx.storage.ticks = (ctx.storage.ticks ?? 0) + 1;
      return;
    }
    if (msg.isString()) {
      ctx.storage.ticks = 0;
      return;
    }
    const command = msg.as(CommandType);
    if (command.op === 'unschedule') ctx.unschedule('beat');
    else if (command.op === 'every') ctx.schedule('beat', { every: command.every as '1m' }, { value: command.text });
    else ctx.schedule('beat', { cron: command.cron, ...(command.timeZone ? { timeZone: command.timeZone } : {}) }, { value: command.text });
  }
}

const ticker = (id: string) => address('test/ticker', id);
const command = (value: Command): PbTypedValue => ({ typename: CommandType.typename, hasValue: true, value: CommandType.serialize(value) });
const MINUTE = 60_000;
const START = Date.parse('2026-01-01T00:00:00Z');
const TOKEN = '__keyflow_schedule/test/ticker/t1/beat';

/** A runtime whose clock the test drives. */
function runtime(start = START): FakeRuntime {
  current = new FakeRuntime([Ticker], start);
  return current;
}

beforeEach(() => {
  seen.length = 0;
});

describe('ctx.schedule on the wire', () => {
  it('arms a tick to itself with a token derived from the name, cancelling any previous one first', async () => {
    const handle = createRequestHandler([Ticker], { clock: () => START });
    const result = invocationResult(
      await handle(
        toFunction({
          target: ticker('t1'),
          state: { ticks: undefined, [SCHEDULES_STATE_NAME]: undefined },
          invocations: [{ argument: command({ op: 'every', every: '5m', text: 'beat' }) }],
        }),
      ),
    );
    const [cancel, tick] = result.delayedInvocations;
    expect(cancel).toEqual({ isCancellationRequest: true, cancellationToken: TOKEN, delayInMs: 0, target: undefined, argument: undefined });
    expect(tick).toMatchObject({ isCancellationRequest: false, cancellationToken: TOKEN, delayInMs: 5 * MINUTE, target: ticker('t1') });
    expect(defined(tick?.argument).typename).toBe(SCHEDULE_TICK_TYPENAME);
    const decoded = fromBinary(ScheduleTickSchema, defined(tick?.argument).value);
    expect(decoded.name).toBe('beat');
    expect(decoded.generation).toBe(1n);
    expect(decoded.scheduledAtMs).toBe(BigInt(START + 5 * MINUTE));
    const [mutation] = result.stateMutations;
    expect(mutation).toMatchObject({ mutationType: PbMutationType.MODIFY, stateName: SCHEDULES_STATE_NAME });
    expect(mutation?.stateValue?.typename).toBe(SCHEDULES_STATE_TYPENAME);
  });

  it('unschedules with a cancellation of the token, keeping the generation counter in state', async () => {
    const stored = invocationResult(
      await createRequestHandler([Ticker], { clock: () => START })(
        toFunction({
          target: ticker('t1'),
          state: { ticks: undefined, [SCHEDULES_STATE_NAME]: undefined },
          invocations: [{ argument: command({ op: 'every', every: '1m', text: 'beat' }) }],
        }),
      ),
    ).stateMutations[0]?.stateValue;
    const effects = await effectsOf([Ticker], {
      target: ticker('t1'),
      state: { ticks: undefined, [SCHEDULES_STATE_NAME]: stored },
      invocations: [{ argument: command({ op: 'unschedule' }) }],
    });
    expect(effects.delayedInvocations).toEqual([
      { isCancellationRequest: true, cancellationToken: TOKEN, delayInMs: 0, target: undefined, argument: undefined },
    ]);
    const table = JSON.parse(Buffer.from(defined(effects.stateMutations[0]?.stateValue).value).toString('utf8')) as unknown;
    expect(table).toEqual({ generation: 1, schedules: {} });
  });

  it('asks for the reserved state when a batch sets a schedule without it, and returns no effect', async () => {
    const specs = await missingSpecsOf([Ticker], {
      target: ticker('t1'),
      state: { ticks: undefined },
      invocations: [{ argument: command({ op: 'every', every: '1m', text: 'x' }) }],
    });
    expect(specs).toEqual([{ stateName: SCHEDULES_STATE_NAME, typeTypename: SCHEDULES_STATE_TYPENAME, expirationSpec: undefined }]);
  });

  it('asks for the reserved state, before running anything, when a batch delivers a tick without it', async () => {
    const tick: PbTypedValue = {
      typename: SCHEDULE_TICK_TYPENAME,
      hasValue: true,
      value: encodeScheduleTick({ name: 'beat', generation: 1, scheduledAtMs: START }),
    };
    const specs = await missingSpecsOf([Ticker], { target: ticker('t1'), invocations: [{ argument: tick }] });
    expect(specs.map((spec) => spec.stateName)).toEqual(['ticks', SCHEDULES_STATE_NAME]);
    expect(seen).toEqual([]);
  });

  it('does not ask for the reserved state in batches that use no schedules', async () => {
    const effects = await effectsOf([Ticker], {
      target: ticker('t1'),
      state: { ticks: wrapped.int(1) },
      invocations: [{ argument: wrapped.string('reset') }],
    });
    expect(effects.stateMutations.map((mutation) => mutation.stateName)).toEqual(['ticks']);
    expect(effects.delayedInvocations).toEqual([]);
  });

  it.each([
    ['an empty name', () => ({ name: '', spec: { every: '1m' } })],
    ['a zero period', () => ({ name: 'x', spec: { every: 0 } })],
    ['a bad duration', () => ({ name: 'x', spec: { every: 'soon' } })],
    ['both every and cron', () => ({ name: 'x', spec: { every: '1m', cron: '* * * * *' } })],
    ['a bad cron', () => ({ name: 'x', spec: { cron: '61 * * * *' } })],
    ['an unknown time zone', () => ({ name: 'x', spec: { cron: '0 9 * * *', timeZone: 'Mars/Olympus' } })],
  ])('rejects %s at the call', (_what, make) => {
    const { name, spec } = make();
    const codes: string[] = [];
    @StatefulFunction('test/bad-schedule')
    class BadSchedule {
      apply(ctx: Context): void {
        try {
          ctx.schedule(name, spec as never, { value: 'x' });
        } catch (error) {
          codes.push((error as { code: string }).code);
        }
      }
    }
    return effectsOf([BadSchedule], { target: address('test/bad-schedule', 'a'), invocations: [{ argument: wrapped.string('go') }] }).then(() => {
      expect(codes).toHaveLength(1);
      expect([SdkErrorCodes.INVALID_SCHEDULE, SdkErrorCodes.INVALID_CRON, SdkErrorCodes.INVALID_DURATION]).toContain(codes[0]);
    });
  });

  it('rejects a @ValueSpec that uses the reserved state prefix', () => {
    @StatefulFunction('test/thief')
    class Thief {
      @ValueSpec({ type: Types.int, name: '__keyflow_schedules' }) stolen?: number;
      apply(): void {}
    }
    expectThrowsCode(() => createRequestHandler([Thief]), SdkErrorCodes.INVALID_STATE_NAME);
  });
});

describe('schedules, run by a StateFun-like runtime with a controllable clock', () => {
  it('ticks every minute, each tick once, with its name, due time and no misses', async () => {
    const fake = runtime();
    await fake.send(ticker('t1'), command({ op: 'every', every: '1m', text: 'beat' }));
    // The runtime learned `ticks` on the first batch, and the reserved state when it was first used.
    expect(fake.incompleteAnswers).toBe(2);
    await fake.advanceTo(START + 10 * MINUTE);
    expect(seen.map((entry) => entry.tick.scheduledAt)).toEqual(Array.from({ length: 10 }, (_, index) => START + (index + 1) * MINUTE));
    expect(seen.every((entry) => entry.text === 'beat' && entry.tick.name === 'beat' && entry.tick.missed === 0)).toBe(true);
    expect(fake.stateOf(ticker('t1'), 'ticks')).toEqual(wrapped.int(10));
    expect(fake.pending()).toHaveLength(1);
  });

  it('coalesces the ticks missed while the runtime was down into one, and says how many', async () => {
    const fake = runtime();
    await fake.send(ticker('t1'), command({ op: 'every', every: '1m', text: 'beat' }));
    await fake.advanceTo(START + 2 * MINUTE);
    // Down from 2m to 7m30s: the tick due at 3m is delivered only at 7m30s.
    fake.now = START + 7.5 * MINUTE;
    await fake.advanceTo(START + 9 * MINUTE);
    expect(seen.map((entry) => [entry.tick.scheduledAt - START, entry.tick.missed])).toEqual([
      [1 * MINUTE, 0],
      [2 * MINUTE, 0],
      [3 * MINUTE, 4], // 4m, 5m, 6m, 7m were due too
      [8 * MINUTE, 0], // back on the original grid
      [9 * MINUTE, 0],
    ]);
  });

  it('replaces a schedule of the same name: the old chain stops, even a tick already on its way', async () => {
    const fake = runtime();
    await fake.send(ticker('t1'), command({ op: 'every', every: '1m', text: 'old' }));
    await fake.advanceTo(START + 1.5 * MINUTE);
    const inFlight = fake.pending().map((item) => item.delivery);
    await fake.send(ticker('t1'), command({ op: 'every', every: '10m', text: 'new' }));
    for (const delivery of inFlight) await fake.send(delivery.target, delivery.argument, delivery.caller);
    await fake.advanceTo(START + 25 * MINUTE);
    expect(seen.map((entry) => [entry.text, entry.tick.scheduledAt - START])).toEqual([
      ['old', 1 * MINUTE],
      ['new', 11.5 * MINUTE],
      ['new', 21.5 * MINUTE],
    ]);
    expect(fake.pending()).toHaveLength(1);
  });

  it('unschedules: the pending tick is cancelled and one already delivered is dropped', async () => {
    const fake = runtime();
    await fake.send(ticker('t1'), command({ op: 'every', every: '1m', text: 'beat' }));
    const inFlight = fake.pending().map((item) => item.delivery);
    await fake.send(ticker('t1'), command({ op: 'unschedule' }));
    expect(fake.pending()).toEqual([]);
    for (const delivery of inFlight) await fake.send(delivery.target, delivery.argument, delivery.caller);
    await fake.advanceTo(START + 60 * MINUTE);
    expect(seen).toEqual([]);
  });

  it('drops a tick delivered twice', async () => {
    const fake = runtime();
    await fake.send(ticker('t1'), command({ op: 'every', every: '1m', text: 'beat' }));
    const [first] = fake.pending().map((item) => item.delivery);
    await fake.advanceTo(START + MINUTE);
    await fake.send(defined(first).target, defined(first).argument, defined(first).caller);
    expect(seen).toHaveLength(1);
  });

  it('keeps schedules per address', async () => {
    const fake = runtime();
    await fake.send(ticker('a'), command({ op: 'every', every: '2m', text: 'a' }));
    await fake.send(ticker('b'), command({ op: 'every', every: '3m', text: 'b' }));
    await fake.advanceTo(START + 6 * MINUTE);
    expect(seen.map((entry) => `${entry.id}@${(entry.tick.scheduledAt - START) / MINUTE}`)).toEqual(['a@2', 'b@3', 'a@4', 'b@6', 'a@6']);
  });

  it('runs a year of a weekday 09:00 Europe/Berlin cron in test time: 261 ticks, each once, on time', async () => {
    const fake = runtime(Date.parse('2025-12-31T22:00:00Z'));
    await fake.send(ticker('t1'), command({ op: 'cron', cron: '0 9 * * MON-FRI', timeZone: 'Europe/Berlin', text: 'standup' }));
    await fake.advanceTo(Date.parse('2026-12-31T22:59:59Z'));
    expect(seen).toHaveLength(261);
    expect(new Set(seen.map((entry) => entry.tick.scheduledAt)).size).toBe(261);
    expect(seen.every((entry) => entry.at === entry.tick.scheduledAt && entry.tick.missed === 0)).toBe(true);
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const local = new Set(seen.map((entry) => berlin.format(entry.tick.scheduledAt).replace(/^\w+ /, '')));
    expect([...local]).toEqual(['09:00']);
    expect(seen.some((entry) => ['Sat', 'Sun'].some((day) => berlin.format(entry.tick.scheduledAt).startsWith(day)))).toBe(false);
  });

  it('fires a cron in the skipped hour of America/New_York once, and its repeated hour once', async () => {
    const fake = runtime(Date.parse('2026-03-07T00:00:00Z'));
    await fake.send(ticker('t1'), command({ op: 'cron', cron: '30 1,2 * * *', timeZone: 'America/New_York', text: 'x' }));
    await fake.advanceTo(Date.parse('2026-03-09T00:00:00Z'));
    await fake.advanceTo(Date.parse('2026-10-31T00:00:00Z'));
    seen.length = 0;
    await fake.advanceTo(Date.parse('2026-11-02T00:00:00Z'));
    expect(seen.map((entry) => new Date(entry.tick.scheduledAt).toISOString())).toEqual([
      '2026-10-31T05:30:00.000Z', // 01:30 EDT
      '2026-10-31T06:30:00.000Z', // 02:30 EDT
      '2026-11-01T05:30:00.000Z', // 01:30 EDT (first occurrence; the EST one does not fire)
      '2026-11-01T07:30:00.000Z', // 02:30 EST
    ]);
  });

  it('coalesces cron ticks missed over three days of downtime', async () => {
    const fake = runtime(Date.parse('2026-06-01T00:00:00Z'));
    await fake.send(ticker('t1'), command({ op: 'cron', cron: '0 12 * * *', text: 'noon' }));
    fake.now = Date.parse('2026-06-04T13:00:00Z');
    await fake.advanceTo(Date.parse('2026-06-05T12:00:00Z'));
    expect(seen.map((entry) => [new Date(entry.tick.scheduledAt).toISOString(), entry.tick.missed, entry.at - entry.tick.scheduledAt])).toEqual([
      ['2026-06-01T12:00:00.000Z', 3, 3 * 86_400_000 + 3_600_000],
      ['2026-06-05T12:00:00.000Z', 0, 0],
    ]);
  });
});
