import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KeyflowError } from '@keyflow/sdk';
import { FlinkErrorCodes } from './flink-error-codes';

/** A function service child process. */
export interface FunctionServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly logFile: string;
}

const START_TIMEOUT_MS = 60_000;

/**
 * Starts `registryPath`'s functions as an HTTP function service on a free port of 127.0.0.1,
 * logging to `logFile` and to this process's stderr; resolves once it listens.
 * TypeScript registries are compiled on the fly with tsx, using their nearest tsconfig.json.
 */
export async function startFunctionService(registryPath: string, logFile: string): Promise<FunctionServiceProcess> {
  const registry = resolve(registryPath);
  if (!existsSync(registry)) throw new KeyflowError(FlinkErrorCodes.FUNCTIONS_FAILED, `--functions ${registryPath}: no such file.`);
  const typeScript = /\.[cm]?ts$/.test(registry);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (typeScript && env['TSX_TSCONFIG_PATH'] === undefined) {
    const tsconfig = nearestFile(dirname(registry), 'tsconfig.json');
    if (tsconfig) env['TSX_TSCONFIG_PATH'] = tsconfig;
  }
  const args = [...(typeScript ? ['--require', require.resolve('tsx/cjs')] : []), join(__dirname, 'function-service-main.js'), registry, '0'];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stderr.on('data', (chunk: Buffer) => {
    log.write(chunk);
    process.stderr.write(chunk);
  });
  return new Promise<FunctionServiceProcess>((resolvePromise, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new KeyflowError(FlinkErrorCodes.FUNCTIONS_FAILED, `The function service for ${registryPath} ${why}; see ${logFile}.`));
    }
    child.once('exit', (code) => fail(`exited with code ${String(code)}`));
    child.stdout.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buffered += chunk.toString('utf8');
      const url = /KEYFLOW_FUNCTIONS_URL=(\S+)/.exec(buffered)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolvePromise({ url, child, logFile });
    });
  });
}

/** Stops the function service (SIGTERM, SIGKILL after 5 s). */
export async function stopFunctionService(service: FunctionServiceProcess): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  const exited = new Promise<void>((done) => service.child.once('exit', () => done()));
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function nearestFile(start: string, name: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
