import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types, silentLogger } from '@keyflow/sdk';
import { parseModule } from '../../src/module/module-loader';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { CapturingEgress } from '../../src/test-support/capturing-egress';
import { freePort } from '../../src/test-support/raw-server';

// A remote function service is killed (SIGKILL) while messages flow and started again: the
// runtime retries within the call timeout, loses nothing and keeps the order per address.

const FIXTURES = join(__dirname, '..', 'fixtures');
// Children load the sdk from its sources: --require tsx/cjs keeps the export condition
// (the tsx CLI would start a child Node without it).
const TSX_REQUIRE = ['--require', require.resolve('tsx/cjs')];
const TSCONFIG = join(__dirname, '..', '..', 'tsconfig.json');


function startService(port: number): ChildProcess {
  return spawn(process.execPath, ['--conditions=@keyflow/source', ...TSX_REQUIRE, join(FIXTURES, 'serve-mode-test-functions.ts'), String(port)], {
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: 'ignore',
  });
}

describe('a remote endpoint that dies mid-run', () => {
  let dir: string;
  let service: ChildProcess | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-restart-'));
  });
  afterEach(async () => {
    service?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('loses nothing and keeps per-address order across a kill and restart of the service', async () => {
    const port = await freePort();
    service = startService(port);
    const out = new CapturingEgress('it/out');
    const module = parseModule(
      `kind: io.statefun.endpoints.v2/http
spec:
  functions: it/*
  urlPathTemplate: http://127.0.0.1:${port}/statefun
  maxNumBatchRequests: 5
  transport:
    call: 60s
    connect: 1s
`,
      join(dir, 'module.yaml'),
    );
    const runtime = await KeyflowRuntime.start({ module, stateDir: join(dir, 'state'), egresses: [out], logger: silentLogger, checkpointIntervalMs: 0 });
    const ids = ['a', 'b', 'c'];
    const perId = 150;
    const send = (from: number, to: number): void => {
      for (let index = from; index < to; index++) {
        for (const id of ids) {
          runtime.send({
            target: { namespace: 'it', type: 'counter', id },
            argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(`m${index}`) },
            caller: undefined,
          });
        }
      }
    };
    try {
      send(0, 50);
      // Kill the service once some, but not all, results are out; messages keep coming meanwhile.
      const wait = async (until: () => boolean): Promise<void> => {
        const started = Date.now();
        while (!until() && Date.now() - started < 30_000) await new Promise((resolve) => setTimeout(resolve, 5));
      };
      await wait(() => out.written.length >= 20);
      service.kill('SIGKILL');
      send(50, 100);
      await new Promise((resolve) => setTimeout(resolve, 400));
      service = startService(port);
      send(100, perId);
      await wait(() => out.written.length >= ids.length * (perId + 1));
      await runtime.whenIdle();
    } finally {
      await runtime.stop();
    }
    const lines = out.written.map((record) => Types.string.deserialize(record.value.value));
    for (const id of ids) {
      const expected = Array.from({ length: perId }, (_, index) => `mirror:it/counter:${id}:m${index}#${index + 1}`);
      expect(lines.filter((line) => line.startsWith(`mirror:it/counter:${id}:`))).toEqual(expected);
    }
  }, 60_000);
});
