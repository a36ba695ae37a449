import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYFLOW_CLI, ROOT, startKeyflow } from './support/keyflow-process';

// What a user sees when the command line, module.yaml or the machine is wrong: a non-zero exit
// and one line with a KF_ code that names what, where and what to do; a stack trace only with
// --verbose or DEBUG.

/** A user's shell: none of the test runner's DEBUG or AWS settings. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KEYFLOW_LOG_LEVEL: 'warn' };
  for (const name of Object.keys(env)) if (name === 'DEBUG' || name.startsWith('AWS_')) delete env[name];
  return { ...env, ...extra };
}

function keyflow(args: readonly string[], options: SpawnSyncOptions = {}): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [KEYFLOW_CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: userEnv(), ...options });
  return { status: result.status, output: `${String(result.stdout)}${String(result.stderr)}` };
}

/** A line of a JavaScript stack trace. */
const STACK_LINE = /^\s+at .+[:(]/m;

/** The example app's functions, for modules that need an endpoint. */
const EXAMPLE_FUNCTIONS = join(ROOT, 'apps/examples/src/generated/functions.generated.ts');

async function listeningServer(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
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
    const { status, output } = keyflow(['run', '--module', module, '--memory-state']);
    expect(status).toBe(1);
    expect(output).toContain('KF_MODULE_INVALID');
    expect(output).toContain(`${module}:4`);
    expect(output).toContain('urlPathTemplat');
  });

  it('rejects an unknown kind', async () => {
    const module = join(dir, 'module.yaml');
    await writeFile(module, `kind: io.example.v1/nothing\nspec: {}\n`);
    const { status, output } = keyflow(['run', '--module', module, '--memory-state']);
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
    // Nothing holds the event loop but the command itself: it must not exit on its own.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(running.child.exitCode).toBeNull();
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  it('explains its usage when an option is wrong', () => {
    const { status, output } = keyflow(['run', '--modul', 'x.yaml']);
    expect(status).toBe(1);
    expect(output).toContain('KF_CLI_USAGE');
    expect(output).toContain('Usage: keyflow run');
  });

  describe('common mistakes: one line with a KF_ code, no stack trace', () => {
    let module: string;
    beforeEach(async () => {
      module = join(dir, 'egress.yaml');
      await writeFile(module, `kind: io.keyflow.file.v1/egress\nspec:\n  id: example/out\n  path: ${join(dir, 'out', 'out.jsonl')}\n`);
    });

    it('an HTTP ingress port in use names the ingress, the port and the file:line that declares it', async () => {
      const { server, port } = await listeningServer();
      try {
        const ingress = join(dir, 'ingress.yaml');
        await writeFile(
          ingress,
          `kind: io.keyflow.endpoints.v1/embedded\nspec:\n  functions: example/*\n  module: ${EXAMPLE_FUNCTIONS}\n---\n` +
            `kind: io.keyflow.http.v1/ingress\nspec:\n  id: example/http\n  port: ${port}\n  routes:\n    - path: /greeter\n      valueType: io.statefun.types/string\n      targets: [example/greeter]\n`,
        );
        const { status, output } = keyflow(['run', '--module', ingress, '--state-dir', join(dir, 'state')]);
        expect(status).toBe(1);
        expect(output).toContain('[KF_PORT_IN_USE]');
        expect(output).toContain(`Port ${port}`);
        expect(output).toContain('example/http');
        expect(output).toContain(`${ingress}:6`);
        expect(output).not.toMatch(STACK_LINE);
      } finally {
        server.close();
      }
    });

    it('an admin port in use says so; --verbose and DEBUG add the stack trace', async () => {
      const { server, port } = await listeningServer();
      try {
        const args = ['run', '--module', module, '--state-dir', join(dir, 'state'), '--port-admin', String(port)];
        const plain = keyflow(args);
        expect(plain.status).toBe(1);
        expect(plain.output).toContain('[KF_PORT_IN_USE]');
        expect(plain.output).toContain(`Port ${port} on 127.0.0.1 of the admin API`);
        expect(plain.output).not.toMatch(STACK_LINE);
        for (const run of [keyflow([...args, '--verbose']), keyflow(args, { env: userEnv({ DEBUG: '1' }) })]) {
          expect(run.status).toBe(1);
          expect(run.output).toContain('[KF_PORT_IN_USE]');
          expect(run.output).toMatch(STACK_LINE);
          expect(run.output).toContain('EADDRINUSE');
        }
      } finally {
        server.close();
      }
    });

    it('a state dir that is a file', async () => {
      const file = join(dir, 'state-file');
      await writeFile(file, '');
      const { status, output } = keyflow(['run', '--module', module, '--state-dir', file]);
      expect(status).toBe(1);
      expect(output).toContain('[KF_STATE_DIR_UNUSABLE]');
      expect(output).toContain(`${file} is a file`);
      expect(output).not.toMatch(STACK_LINE);
    });

    it('a state dir that cannot be written', async () => {
      // Root writes anywhere: as root, keyflow runs as the user nobody.
      const readOnly = join(dir, 'read-only');
      await mkdir(readOnly);
      await chmod(dir, 0o755);
      await chmod(module, 0o644);
      const asRoot = process.getuid?.() === 0;
      if (!asRoot) await chmod(readOnly, 0o555);
      const state = join(readOnly, 'state');
      const { status, output } = keyflow(['run', '--module', module, '--state-dir', state], asRoot ? { uid: 65534, gid: 65534 } : {});
      await chmod(readOnly, 0o755);
      expect(status).toBe(1);
      expect(output).toContain('[KF_STATE_DIR_UNUSABLE]');
      expect(output).toContain(`${state} cannot be created: permission denied`);
      expect(output).not.toMatch(STACK_LINE);
    });

    it('S3 checkpoints without credentials, without the AWS SDK warnings', () => {
      const noCredentials = userEnv({
        HOME: dir,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(dir, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      });
      const args = ['run', '--module', module, '--state-dir', join(dir, 'state'), '--checkpoint-dir', 's3://keyflow-test/app'];
      const { status, output } = keyflow(args, { env: noCredentials });
      expect(status).toBe(1);
      expect(output).toContain('[KF_S3_CREDENTIALS_MISSING]');
      expect(output).toContain('s3://keyflow-test/app');
      expect(output).toContain('AWS_ACCESS_KEY_ID');
      expect(output).not.toContain('AWS SDK');
      expect(output).not.toContain('Warning');
      expect(output).not.toMatch(STACK_LINE);
    });

    it('an embedded module that does not exist, without a Require stack', async () => {
      const embedded = join(dir, 'embedded.yaml');
      await writeFile(embedded, 'kind: io.keyflow.endpoints.v1/embedded\nspec:\n  functions: example/*\n  module: ./missing-functions.ts\n');
      const { status, output } = keyflow(['run', '--module', embedded, '--state-dir', join(dir, 'state')]);
      expect(status).toBe(1);
      expect(output).toContain('[KF_EMBEDDED_MODULE_FAILED]');
      expect(output).toContain(`${embedded}:1`);
      expect(output).toContain(`${join(dir, 'missing-functions.ts')} does not exist`);
      expect(output).not.toContain('Require stack');
      expect(output).not.toMatch(STACK_LINE);
    });

    it('a file egress path that cannot be written fails at startup', async () => {
      await writeFile(join(dir, 'a-file'), '');
      const egress = join(dir, 'bad-egress.yaml');
      await writeFile(egress, `kind: io.keyflow.file.v1/egress\nspec:\n  id: example/out\n  path: ${join(dir, 'a-file', 'out.jsonl')}\n`);
      const { status, output } = keyflow(['run', '--module', egress, '--state-dir', join(dir, 'state')]);
      expect(status).toBe(1);
      expect(output).toContain('[KF_EGRESS_PATH_UNWRITABLE]');
      expect(output).toContain(`${egress}:1`);
      expect(output).toContain('example/out');
      expect(output).not.toContain('Keyflow is running');
      expect(output).not.toMatch(STACK_LINE);
    });
  });
});
