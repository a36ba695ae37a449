import { TestKit } from '@keyflow/testing';
import { Heartbeat } from './heartbeat.function';
import { BeatType, HeartbeatCommandType, type Beat, type HeartbeatCommand } from './heartbeat-messages';

const MINUTE = 60_000;
const start = Date.parse('2026-12-03T08:00:00Z'); // a Thursday, 09:00 in Berlin
const h1 = { typename: 'example/heartbeat', id: 'h1' };

describe('example/heartbeat', () => {
  let kit: TestKit;
  beforeEach(async () => {
    kit = await TestKit.start({ functions: [Heartbeat], egresses: ['example/heartbeats'], types: [BeatType], startTime: start });
  });
  afterEach(() => kit.close());

  const command = (sent: HeartbeatCommand): Promise<void> => kit.send(h1, sent, HeartbeatCommandType);
  const beats = (): Beat[] => kit.egress('example/heartbeats').values() as Beat[];

  it('beats every minute once started, each beat once and on time, until stopped', async () => {
    await command({ op: 'start' });
    await kit.advance('3m');
    expect(beats()).toEqual([1, 2, 3].map((beat) => ({ id: 'h1', beat, scheduledAt: new Date(start + beat * MINUTE).toISOString(), missed: 0 })));
    expect(await kit.state(h1)).toEqual({ beats: 3 });
    await command({ op: 'stop' });
    await kit.advance('1h');
    expect(beats()).toHaveLength(3);
  });

  it('beats on a cron in a time zone: 09:00 Berlin on weekdays', async () => {
    await command({ op: 'start', cron: '0 9 * * MON-FRI', timeZone: 'Europe/Berlin' });
    await kit.advance(Date.parse('2026-12-09T00:00:00Z') - start);
    expect(beats().map((beat) => beat.scheduledAt)).toEqual([
      '2026-12-04T08:00:00.000Z', // Friday
      '2026-12-07T08:00:00.000Z', // Monday
      '2026-12-08T08:00:00.000Z', // Tuesday
    ]);
  });

  it('keeps beating through a crash, and reports the beats missed while the runtime was down as one beat with the count', async () => {
    await command({ op: 'start', every: '1m' });
    await kit.checkpoint();
    await kit.crash({ downFor: 10.5 * MINUTE });
    await kit.advance(0.5 * MINUTE);
    expect(beats().map((beat) => [beat.beat, beat.missed])).toEqual([
      [1, 9],
      [2, 0],
    ]);
    expect(kit.now()).toBe(start + 11 * MINUTE);
  });
});
