import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types, serveHttp, silentLogger, type FunctionHttpServer } from '@keyflow/sdk';
import { parseModule } from '../../src/module/module-loader';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { CapturingEgress } from '../../src/test-support/capturing-egress';
import { functions } from '../fixtures/mode-test-functions';

// One workload, three ways of running the same functions: in-process, in a sidecar process
// reached over a Unix socket, and behind a remote HTTP endpoint. The egress must be identical.

const FIXTURES = join(__dirname, '..', 'fixtures');
// Children load the sdk from its sources: --require tsx/cjs keeps the export condition
// (the tsx CLI would start a child Node without it).
const TSX_REQUIRE = ['--require', require.resolve('tsx/cjs')];
const IDS = ['ann', 'bob', 'cy'];
const WORDS = ['w1', 'w2', 'w3', 'w4'];

async function runWorkload(moduleYaml: string, dir: string): Promise<string[]> {
  const out = new CapturingEgress('it/out');
  const module = parseModule(moduleYaml, join(dir, 'module.yaml'));
  const runtime = await KeyflowRuntime.start({
    module,
    stateDir: join(dir, 'state'),
    egresses: [out],
    logger: silentLogger,
    checkpointIntervalMs: 0,
  });
  try {
    for (const word of WORDS) {
      for (const id of IDS) {
        runtime.send({
          target: { namespace: 'it', type: 'counter', id },
          argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(word) },
          caller: undefined,
        });
      }
    }
    const expected = IDS.length * (WORDS.length + 1); // a mirror line per word, one tick per id
    const started = Date.now();
    while (out.written.length < expected && Date.now() - started < 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await runtime.whenIdle();
    expect(runtime.stats().pendingTimers).toBe(0); // the 'late' message was cancelled
  } finally {
    await runtime.stop();
  }
  return out.written.map((record) => Types.string.deserialize(record.value.value));
}

/** What the workload must produce, per id, in order. */
function expectedLines(id: string): string[] {
  return WORDS.map((word, index) => `mirror:it/counter:${id}:${word}#${index + 1}`);
}

function checkResult(lines: readonly string[]): void {
  for (const id of IDS) {
    expect(lines.filter((line) => line.startsWith(`mirror:it/counter:${id}:`))).toEqual(expectedLines(id));
    const ticks = lines.filter((line) => line.startsWith(`tick:${id}:`));
    expect(ticks).toHaveLength(1);
  }
  expect(lines.filter((line) => line.startsWith('late:'))).toEqual([]);
}

describe('the same functions in all three modes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-modes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives identical results embedded, co-located and remote', async () => {
    const embedded = await runWorkload(
      `kind: io.keyflow.endpoints.v1/embedded
spec:
  functions: it/*
  module: ${join(FIXTURES, 'mode-test-functions.ts')}
`,
      join(dir, 'embedded'),
    );

    const socket = join(dir, 'fns.sock');
    const colocated = await runWorkload(
      `kind: io.keyflow.process.v1/sidecar
spec:
  id: it/functions
  command: [${JSON.stringify(process.execPath)}, "--conditions=@keyflow/source", "--require", ${JSON.stringify(TSX_REQUIRE[1])}, ${JSON.stringify(join(FIXTURES, 'serve-mode-test-functions.ts'))}, ${JSON.stringify(socket)}]
  env:
    TSX_TSCONFIG_PATH: ${join(__dirname, '..', '..', 'tsconfig.json')}
  socket: ${socket}
  startTimeout: 30s
---
kind: io.statefun.endpoints.v2/http
spec:
  functions: it/*
  urlPathTemplate: http+unix://${socket}/statefun
`,
      join(dir, 'colocated'),
    );

    let server: FunctionHttpServer | undefined;
    let remote: string[];
    try {
      server = serveHttp(functions, { port: 0, host: '127.0.0.1', logger: silentLogger });
      const address = await server.listening;
      const port = typeof address === 'string' ? 0 : address.port;
      remote = await runWorkload(
        `kind: io.statefun.endpoints.v2/http
spec:
  functions: it/*
  urlPathTemplate: http://127.0.0.1:${port}/statefun/{function.name}
  maxNumBatchRequests: 10
`,
        join(dir, 'remote'),
      );
    } finally {
      await server?.close();
    }

    checkResult(embedded);
    const sorted = (lines: readonly string[]): string[] => [...lines].sort();
    expect(sorted(colocated)).toEqual(sorted(embedded));
    expect(sorted(remote)).toEqual(sorted(embedded));
  }, 60_000);
});
