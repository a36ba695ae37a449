import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { KeyflowError, type ErrorCode } from '@keyflow/sdk';

const run = promisify(execFile);

/**
 * The script `tools/<name>/<name>.sh` of the Keyflow repository this CLI runs from (the CLI is
 * packages/runtime/{src,dist}/cli/flink/), or the one `KEYFLOW_TOOLS_DIR` points at.
 */
export function toolScript(name: 'flink' | 'kafka'): string {
  const root = process.env['KEYFLOW_TOOLS_DIR'] ?? resolve(__dirname, '..', '..', '..', '..', '..', 'tools');
  const script = join(root, name, `${name}.sh`);
  if (!existsSync(script)) {
    throw new KeyflowError('KF_CLI_USAGE', `keyflow flink needs ${script} (from the Keyflow repository); set KEYFLOW_TOOLS_DIR to the repository's tools/ folder.`);
  }
  return script;
}

/** Runs a tool script; resolves to the `KEY=value` pairs of its last stdout line. */
export async function runToolScript(script: string, args: readonly string[], code: ErrorCode): Promise<Record<string, string>> {
  let stdout: string;
  try {
    ({ stdout } = await run(script, args, { maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new KeyflowError(code, `${script} ${args[0] ?? ''} failed: ${stderr.trim().split('\n').slice(-12).join('\n') || (error as Error).message}`, { cause: error });
  }
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return Object.fromEntries(line.split(/\s+/).filter((pair) => pair.includes('=')).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}
