import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from './support/seeded-random';
import { ROOT, eventually, freePort, startKeyflow, type KeyflowProcess } from './support/keyflow-process';

// A schedule under `keyflow run`, killed with SIGKILL again and again at moments around its tick
// times: no tick is lost or doubled. The example's heartbeat beats every PERIOD ms and publishes
// each beat (its number from state, the time it was due, how many were missed) to a file egress
// with exactly-once delivery, so the file holds exactly what committed state saw.

const PERIOD = 200;
const KILLS = 5;
const SEED = 1812;

interface Beat {
  readonly id: string;
  readonly beat: number;
  readonly scheduledAt: string;
  readonly missed: number;
}

async function readBeats(path: string): Promise<Beat[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse((JSON.parse(line) as { value: string }).value) as Beat);
  } catch {
    return [];
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('a schedule under keyflow run across kill -9 around its tick times', () => {
  let dir: string;
  let running: KeyflowProcess | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-e2e-schedule-'));
  });
  afterEach(async () => {
    running?.child.kill('SIGKILL');
    await running?.exited;
    running = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers every tick once: beats are numbered without gaps, each due one period (plus those it coalesced) after the last', async () => {
    const port = await freePort();
    const beatsPath = join(dir, 'heartbeats.jsonl');
    const module = join(dir, 'module.yaml');
    await writeFile(
      module,
      [
        'kind: io.keyflow.endpoints.v1/embedded',
        'spec:',
        '  functions: example/*',
        `  module: ${join(ROOT, 'apps/examples/src/generated/functions.generated.ts')}`,
        '---',
        'kind: io.keyflow.http.v1/ingress',
        'spec:',
        '  id: example/http',
        `  port: ${port}`,
        '  routes:',
        '    - path: /heartbeat',
        '      valueType: example/HeartbeatCommand',
        '      targets: [example/heartbeat]',
        '---',
        'kind: io.keyflow.file.v1/egress',
        'spec:',
        '  id: example/heartbeats',
        `  path: ${beatsPath}`,
        '  deliverySemantic: exactly-once',
        '',
      ].join('\n'),
    );
    const start = async (): Promise<KeyflowProcess> =>
      (running = await startKeyflow(['--module', module, '--state-dir', join(dir, 'state'), '--checkpoint-interval', '100ms']));
    const command = async (body: object): Promise<void> => {
      const response = await fetch(`http://127.0.0.1:${port}/heartbeat/h1`, { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(202);
    };

    let keyflow = await start();
    await command({ op: 'start', every: `${PERIOD}ms` });
    const random = seededRandom(SEED);
    for (let kill = 0; kill < KILLS; kill++) {
      // Somewhere within the next few ticks, at a random phase of the period.
      await sleep(PERIOD + Math.floor(random() * 4 * PERIOD));
      keyflow.child.kill('SIGKILL');
      await keyflow.exited;
      keyflow = await start();
    }
    const restartedAt = Date.now();
    await eventually(async () => {
      const all = await readBeats(beatsPath);
      return all.some((beat) => Date.parse(beat.scheduledAt) > restartedAt + 3 * PERIOD) ? true : undefined;
    }, 'beats after the last restart', 30_000);
    await command({ op: 'stop' });
    await sleep(4 * PERIOD);
    keyflow.child.kill('SIGTERM');
    expect(await keyflow.exited).toBe(0);
    running = undefined;

    const beats = await readBeats(beatsPath);
    expect(beats.map((beat) => beat.beat)).toEqual(beats.map((_, index) => index + 1)); // none lost, none doubled
    for (let index = 1; index < beats.length; index++) {
      const previous = beats[index - 1] as Beat;
      const gap = Date.parse((beats[index] as Beat).scheduledAt) - Date.parse(previous.scheduledAt);
      expect({ beat: previous.beat, gap }).toEqual({ beat: previous.beat, gap: PERIOD * (1 + previous.missed) });
    }
    // The runtime was down for longer than a period each time: ticks were coalesced, and said so.
    expect(beats.reduce((sum, beat) => sum + beat.missed, 0)).toBeGreaterThan(0);
  }, 180_000);
});
