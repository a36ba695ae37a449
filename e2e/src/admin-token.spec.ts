import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYFLOW_CLI, ROOT, startKeyflow } from './support/keyflow-process';

// An operator opens the admin API to the network: keyflow run refuses without a token, and with
// one, keyflow savepoint and keyflow state work only when they send it.

const TOKEN = 'e2e-admin-token-0123456789';

function keyflow(args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; output: string } {
  const clean: NodeJS.ProcessEnv = { ...process.env, KEYFLOW_LOG_LEVEL: 'warn' };
  delete clean['KEYFLOW_ADMIN_TOKEN'];
  delete clean['DEBUG'];
  const result = spawnSync(process.execPath, [KEYFLOW_CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...clean, ...env } });
  return { status: result.status, output: `${String(result.stdout)}${String(result.stderr)}` };
}

describe('the admin API beyond loopback', () => {
  let dir: string;
  let module: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-admin-token-'));
    module = join(dir, 'module.yaml');
    await writeFile(module, `kind: io.keyflow.file.v1/egress\nspec:\n  id: example/out\n  path: ${join(dir, 'out.jsonl')}\n`);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is refused without a token, in one line that says what to set', () => {
    const { status, output } = keyflow(['run', '--module', module, '--state-dir', join(dir, 'state'), '--port-admin', '0', '--admin-host', '0.0.0.0']);
    expect(status).toBe(1);
    expect(output).toContain('KF_ADMIN_TOKEN_REQUIRED');
    expect(output).toContain('KEYFLOW_ADMIN_TOKEN');
    expect(output).not.toMatch(/^\s+at .+[:(]/m);
  });

  it('answers keyflow savepoint and keyflow state only when they send the token', async () => {
    const running = await startKeyflow(['--module', module, '--state-dir', join(dir, 'state'), '--port-admin', '0', '--admin-host', '0.0.0.0'], 30_000, { KEYFLOW_ADMIN_TOKEN: TOKEN });
    try {
      const port = /Admin API: http:\/\/0\.0\.0\.0:(\d+)\/health \(requests need the admin token/.exec(running.output())?.[1];
      expect(port).toBeDefined();
      const admin = `http://127.0.0.1:${port}`;

      const refused = keyflow(['savepoint', '--admin', admin]);
      expect(refused.status).toBe(1);
      expect(refused.output).toContain('KF_ADMIN_UNAUTHORIZED');

      const savepoint = keyflow(['savepoint', '--admin', admin, '--admin-token', TOKEN]);
      expect(savepoint.output).toContain('Savepoint written: ');
      expect(savepoint.status).toBe(0);

      expect(keyflow(['state', 'list', 'example/greeter', '--admin', admin]).output).toContain('KF_ADMIN_UNAUTHORIZED');
      const listed = keyflow(['state', 'list', 'example/greeter', '--admin', admin], { KEYFLOW_ADMIN_TOKEN: TOKEN });
      expect(listed.status).toBe(0);
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });
});
