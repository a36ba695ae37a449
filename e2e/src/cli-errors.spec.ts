import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYFLOW_CLI, ROOT, startKeyflow } from './support/keyflow-process';

// What a user sees when the command line or module.yaml is wrong: a non-zero exit and an
// error naming the file, the line and what was expected.

function keyflow(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [KEYFLOW_CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('keyflow CLI errors', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects a module.yaml with a typo, naming file, line and key', async () => {
    const module = join(dir, 'module.yaml');
    await writeFile(
      module,
      `kind: io.statefun.endpoints.v2/http
spec:
  functions: example/*
  urlPathTemplat: http://localhost:8000/statefun
`,
    );
    const { status, output } = keyflow('run', '--module', module, '--memory-state');
    expect(status).toBe(1);
    expect(output).toContain('KF_MODULE_INVALID');
    expect(output).toContain(`${module}:4`);
    expect(output).toContain('urlPathTemplat');
  });

  it('rejects an unknown kind', async () => {
    const module = join(dir, 'module.yaml');
    await writeFile(module, `kind: io.example.v1/nothing\nspec: {}\n`);
    const { status, output } = keyflow('run', '--module', module, '--memory-state');
    expect(status).toBe(1);
    expect(output).toContain('KF_MODULE_UNKNOWN_KIND');
    expect(output).toContain(`${module}:1`);
  });

  it('says so when a module has no ingress, and keeps running until stopped', async () => {
    const module = join(dir, 'module.yaml');
    await writeFile(module, `kind: io.keyflow.file.v1/egress\nspec:\n  id: example/out\n  path: ${join(dir, 'out.jsonl')}\n`);
    const running = await startKeyflow(['--module', module, '--state-dir', join(dir, 'state')]);
    expect(running.output()).toContain('Keyflow is running with no ingress');
    expect(running.output()).toContain(module);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  it('explains its usage when an option is wrong', () => {
    const { status, output } = keyflow('run', '--modul', 'x.yaml');
    expect(status).toBe(1);
    expect(output).toContain('KF_CLI_USAGE');
    expect(output).toContain('Usage: keyflow run');
  });
});
