import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The differential functions written with the official StateFun Python SDK
// (python/differential_functions.py) in a child process, in the venv that
// tools/interop/interop.sh installs from PyPI: one request at a time over its stdin/stdout.

const ROOT = join(__dirname, '..', '..', '..', '..');
const SCRIPT = join(__dirname, 'python', 'differential_functions.py');

/** The Python SDK's answer: its FromFunction bytes, or the text of what it raised. */
export type PythonOutcome = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/** A running Python request-reply handler. */
export interface PythonSdk {
  handle(request: Uint8Array): Promise<PythonOutcome>;
  stop(): Promise<void>;
}

/** Installs (first run: from PyPI) and starts the Python SDK's handler; fails naming what is missing. */
export async function startPythonSdk(): Promise<PythonSdk> {
  let python: string;
  try {
    const { stdout } = await promisify(execFile)('bash', [join(ROOT, 'tools', 'interop', 'interop.sh'), 'prepare', 'python'], { cwd: ROOT });
    const line = stdout.split('\n').find((candidate) => candidate.startsWith('python '));
    if (line === undefined) throw new Error(`printed no command:\n${stdout}`);
    python = (JSON.parse(line.slice('python '.length)) as string[])[0] as string;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`tools/interop/interop.sh prepare python failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
  const child: ChildProcessWithoutNullStreams = spawn(python, [SCRIPT], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let buffered = Buffer.alloc(0);
  let waiting: ((outcome: PythonOutcome) => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length < 5) return;
    const length = buffered.readUInt32BE(1);
    if (buffered.length < 5 + length) return;
    const status = buffered.readUInt8(0);
    const body = buffered.subarray(5, 5 + length);
    buffered = buffered.subarray(5 + length);
    const resolve = waiting;
    waiting = undefined;
    resolve?.(status === 1 ? { ok: true, bytes: new Uint8Array(body) } : { ok: false, error: body.toString('utf8') });
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      failed?.(new Error(`the Python SDK process exited with ${code}:\n${stderr}`));
      resolve();
    }),
  );
  return {
    handle: (request) =>
      new Promise<PythonOutcome>((resolve, reject) => {
        waiting = resolve;
        failed = reject;
        const header = Buffer.alloc(4);
        header.writeUInt32BE(request.length);
        child.stdin.write(Buffer.concat([header, request]));
      }),
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
