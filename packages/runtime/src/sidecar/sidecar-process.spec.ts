import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyflowError, silentLogger } from '@keyflow/sdk';
import { encodeFromFunction, type PbFromFunction } from '@keyflow/sdk/protocol';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { HttpFunctionEndpoint } from '../endpoints/http-endpoint';
import { SidecarProcess } from './sidecar-process';
import { capturedLogs } from '../test-support/captured-logs';
import { httpEndpointConfig, sidecarConfig } from '../test-support/endpoint-configs';
import { isAlive, writeSidecarScript } from '../test-support/sidecar-script';
import { testBatch } from '../test-support/test-functions';

const REPLY: PbFromFunction = {
  kind: 'invocationResult',
  result: {
    stateMutations: [],
    outgoingMessages: [
      {
        target: { namespace: 'test.endpoints', type: 'inbox', id: 'alice' },
        argument: { typename: 'io.statefun.types/string', hasValue: true, value: new Uint8Array([10, 2, 104, 105]) },
      },
    ],
    delayedInvocations: [],
    outgoingEgresses: [],
  },
};

async function failureOf(promise: Promise<unknown>): Promise<KeyflowError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(KeyflowError);
      return error as KeyflowError;
    },
  );
}

async function eventually(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SidecarProcess', () => {
  let dir: string;
  let script: string;
  const sidecars: SidecarProcess[] = [];
  const endpoints: HttpFunctionEndpoint[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kf-sidecar-'));
    script = writeSidecarScript(dir);
  });
  afterEach(async () => {
    await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.close()));
    await Promise.all(sidecars.splice(0).map((sidecar) => sidecar.stop()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const sidecar = (env: Record<string, string>, overrides: Parameters<typeof sidecarConfig>[0] | object = {}) => {
    const { logger, lines } = capturedLogs();
    const process_ = new SidecarProcess(
      sidecarConfig({ command: [process.execPath, script], cwd: dir, env, ...overrides }),
      { logger, stopGraceMs: 500 },
    );
    sidecars.push(process_);
    return { sidecar: process_, lines };
  };
  const socketIn = (name: string): string => join(dir, `${name}.sock`);
  const replyEnv = (socket: string): Record<string, string> => ({
    KF_TEST_SOCKET: socket,
    KF_TEST_REPLY: Buffer.from(encodeFromFunction(REPLY)).toString('base64'),
  });

  test('serves over its socket, is restarted after SIGKILL, and stop() leaves no process behind', async () => {
    const socket = socketIn('restart');
    const { sidecar: fns, lines } = sidecar(replyEnv(socket), { socketPath: socket });
    await fns.start();
    const endpoint = new HttpFunctionEndpoint(httpEndpointConfig(`http+unix://${socket}/statefun`, { callMs: 5_000 }), {
      logger: silentLogger,
      waitUntilReady: () => fns.ready(),
    });
    endpoints.push(endpoint);
    expect(await endpoint.invoke(testBatch('echo', 'alice', ['hi']))).toEqual(REPLY);

    const firstPid = fns.pid as number;
    process.kill(firstPid, 'SIGKILL');
    await eventually(() => !isAlive(firstPid));
    // The socket file of the killed process is still there; the restart must not be fooled by it.
    expect(existsSync(socket)).toBe(true);
    expect(await endpoint.invoke(testBatch('echo', 'alice', ['again']))).toEqual(REPLY);
    const secondPid = fns.pid as number;
    expect(secondPid).not.toBe(firstPid);
    expect(lines.some((line) => line.msg === 'sidecar is down; restarting it' && line.level === 'warn')).toBe(true);
    expect(lines.some((line) => line.msg === `listening ${secondPid}` && line['stream'] === 'stdout')).toBe(true);
    expect(lines.some((line) => line.msg === `booting ${secondPid}` && line['sidecar'] === 'test-sidecar')).toBe(true);

    await fns.stop();
    expect(isAlive(secondPid)).toBe(false);
    expect(existsSync(socket)).toBe(false);
    const afterStop = await failureOf(fns.ready());
    expect(afterStop.code).toBe(RuntimeErrorCodes.SIDECAR_FAILED);
    // No restart after stop.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(fns.pid).toBeUndefined();
  });

  test('a stale socket file from an earlier run does not count as ready', async () => {
    const socket = socketIn('stale');
    // A process that listens on the socket and dies by SIGKILL leaves the file behind.
    spawnSync(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    expect(existsSync(socket)).toBe(true);
    const { sidecar: fns } = sidecar({ ...replyEnv(socket), KF_TEST_LISTEN_DELAY_MS: '300' }, { socketPath: socket });
    const started = performance.now();
    await fns.start();
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    await fns.ready();
  });

  // Long enough for the sidecar to boot and print on a loaded machine, so that its stderr is there.
  test('fails with KF_SIDECAR_FAILED and its stderr when the socket does not open in time; nothing is left running', async () => {
    const { sidecar: fns } = sidecar({ KF_TEST_PID_FILE: join(dir, 'slow.pid') }, { socketPath: socketIn('never'), startTimeoutMs: 1_500 });
    const error = await failureOf(fns.start());
    expect(error.code).toBe(RuntimeErrorCodes.SIDECAR_FAILED);
    expect(error.message).toContain('booting');
    expect(isAlive(Number(readFileSync(join(dir, 'slow.pid'), 'utf8')))).toBe(false);
  });

  test('fails with KF_SIDECAR_FAILED when the process exits during start', async () => {
    const { sidecar: fns } = sidecar({ KF_TEST_EXIT_CODE: '3' }, { socketPath: socketIn('exits') });
    const error = await failureOf(fns.start());
    expect(error.code).toBe(RuntimeErrorCodes.SIDECAR_FAILED);
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('fatal: cannot start (test)');
  });

  test('fails with KF_SIDECAR_FAILED when the program does not exist', async () => {
    const { sidecar: fns } = sidecar({}, { command: [join(dir, 'no-such-program')] });
    expect((await failureOf(fns.start())).code).toBe(RuntimeErrorCodes.SIDECAR_FAILED);
  });

  test('stop() sends SIGKILL when SIGTERM is ignored', async () => {
    const { sidecar: fns, lines } = sidecar({ KF_TEST_IGNORE_SIGTERM: '1' });
    await fns.start();
    const pid = fns.pid as number;
    await eventually(() => lines.some((line) => line.msg === `booting ${pid}`));
    await fns.stop();
    expect(isAlive(pid)).toBe(false);
    expect(lines.some((line) => line.msg === 'sidecar did not stop after SIGTERM; killing it')).toBe(true);
  });

  test('stop() also ends the processes a wrapper started', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const socket = socketIn('wrapped');
    const { sidecar: fns } = sidecar(
      { ...replyEnv(socket), KF_TEST_PID_FILE: pidFile },
      { command: ['/bin/sh', '-c', `"${process.execPath}" "${script}"; echo done`], socketPath: socket },
    );
    await fns.start();
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(grandchild).not.toBe(fns.pid);
    await fns.stop();
    await eventually(() => !isAlive(grandchild), 1_000);
  });
});
