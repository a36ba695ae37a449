import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IngressErrorCodes } from '../../src/ingress/ingress-error-codes';

// A full disk under the HTTP ingress's log: a real filesystem (a small tmpfs, mounted in a
// user and mount namespace of its own by `unshare`, so no privileges are needed) filled up
// and freed again. While it is full the ingress answers 503 and /health says degraded; once
// there is space it accepts again without a restart, and the log holds no torn record.

jest.setTimeout(60_000);

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** What the fixture prints: the answers at each step, the outputs, and the log's sequence numbers. */
interface FixtureResult {
  readonly whileFull: Answer;
  readonly healthWhileFull: Answer;
  readonly afterFreed: Answer;
  readonly healthAfter: Answer;
  readonly outputs: string[];
  readonly logged: number[];
}

const FIXTURE = join(__dirname, '..', 'fixtures', 'full-disk-run.ts');
const TSCONFIG = join(__dirname, '..', '..', 'tsconfig.json');

it('reopens the HTTP ingress once the full disk has space again, and reports it degraded meanwhile', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keyflow-full-disk-'));
  try {
    const stateDir = join(dir, 'state');
    await mkdir(join(stateDir, 'ingress'), { recursive: true });
    const node = [process.execPath, '--conditions=@keyflow/source', '--require', require.resolve('tsx/cjs'), FIXTURE, stateDir];
    const script = `mount -t tmpfs -o size=256k tmpfs "$1/ingress" && shift && exec "$@"`;
    const { stdout } = await promisify(execFile)('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', stateDir, ...node], {
      env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as FixtureResult;
    expect([result.whileFull.status, result.whileFull.body['code']]).toEqual([503, IngressErrorCodes.NOT_DURABLE]);
    expect(result.healthWhileFull.status).toBe(503);
    expect(result.healthWhileFull.body).toMatchObject({ status: 'degraded', ingresses: [{ ingress: 'ck/http', status: 'degraded' }] });
    // The refused message took no sequence number: the log has no gap and no torn record.
    expect(result.afterFreed).toEqual({ status: 202, body: { status: 'accepted', seq: 1 } });
    expect(result.healthAfter).toEqual({ status: 200, body: { status: 'ok' } });
    // The refused message never reached a function; the accepted one did.
    expect(result.outputs).toEqual(['x:1']);
    expect(result.logged).toEqual([1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
