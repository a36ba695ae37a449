import { spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleModule, type Paths } from './support/example-module';
import { KEYFLOW_CLI, ROOT, eventually, freePort, startKeyflow, type KeyflowProcess } from './support/keyflow-process';

// The example app as a user runs it: the keyflow CLI with the app's module.yaml, a message
// posted to the HTTP ingress, the greeting (or a cart's receipt) read back from the file egress.

async function greetings(path: string): Promise<string[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => (JSON.parse(line) as { value: string }).value);
  } catch {
    return [];
  }
}

/** The receipts a cart published, parsed. */
async function receipts(path: string): Promise<unknown[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse((JSON.parse(line) as { value: string }).value) as unknown);
  } catch {
    return [];
  }
}

/** The beats a heartbeat published, parsed. */
async function beats(path: string): Promise<{ id: string; beat: number; scheduledAt: string; missed: number }[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse((JSON.parse(line) as { value: string }).value) as { id: string; beat: number; scheduledAt: string; missed: number });
  } catch {
    return [];
  }
}

async function postCart(port: number, cart: string, command: object): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/cart/${cart}`, { method: 'POST', body: JSON.stringify(command) });
}

async function post(port: number, name: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/greeter/${encodeURIComponent(name)}`, { method: 'POST', body: name });
}

describe('the example app', () => {
  let paths: Paths;
  let running: KeyflowProcess | undefined;

  beforeEach(async () => {
    paths = await exampleModule();
  });
  afterEach(async () => {
    running?.child.kill('SIGKILL');
    await running?.exited;
    running = undefined;
    await rm(paths.dir, { recursive: true, force: true });
  });

  const start = async (): Promise<KeyflowProcess> =>
    (running = await startKeyflow(['--module', paths.module, '--state-dir', paths.state, '--checkpoint-interval', '200ms']));

  it('greets through the HTTP ingress and the file egress, and stops cleanly on SIGTERM', async () => {
    const keyflow = await start();
    expect(keyflow.output()).toContain(`curl -X POST http://127.0.0.1:${paths.port}/greeter/Alice`);
    const response = await post(paths.port, 'Alice');
    expect(response.status).toBe(202);
    await expect(
      eventually(async () => ((await greetings(paths.egress)).length === 1 ? true : undefined), 'the greeting'),
    ).resolves.toBe(true);
    expect(await greetings(paths.egress)).toEqual(['Hello Alice, nice to meet you!']);
    keyflow.child.kill('SIGTERM');
    expect(await keyflow.exited).toBe(0);
  });

  it('keeps state across a kill -9: an accepted message is processed, and counts are not doubled', async () => {
    let keyflow = await start();
    expect((await post(paths.port, 'Bob')).status).toBe(202);
    keyflow.child.kill('SIGKILL');
    await keyflow.exited;

    keyflow = await start();
    await eventually(async () => ((await greetings(paths.egress)).length >= 1 ? true : undefined), 'the first greeting');
    expect((await post(paths.port, 'Bob')).status).toBe(202);
    const all = await eventually(async () => {
      const lines = await greetings(paths.egress);
      return lines.some((line) => line.includes('visit number')) ? lines : undefined;
    }, 'the second greeting');
    // The first greeting may appear twice (file egress is at-least-once by default), but the
    // counter in state must have seen Bob exactly twice.
    expect(all.at(-1)).toBe('Hello again Bob, visit number 2.');
    expect(all.filter((line) => line.includes('visit number 3'))).toEqual([]);
    keyflow.child.kill('SIGTERM');
    expect(await keyflow.exited).toBe(0);
  });

  it('takes a savepoint through the admin API and starts a new runtime from it', async () => {
    const adminPort = await freePort();
    let keyflow = (running = await startKeyflow(['--module', paths.module, '--state-dir', paths.state, '--port-admin', String(adminPort)]));
    expect((await post(paths.port, 'Cy')).status).toBe(202);
    await eventually(async () => ((await greetings(paths.egress)).length === 1 ? true : undefined), 'the first greeting');

    const savepoint = spawnSync(process.execPath, [KEYFLOW_CLI, 'savepoint', '--admin', `http://127.0.0.1:${adminPort}`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(savepoint.status).toBe(0);
    expect(savepoint.stderr).toContain('100%');
    const uri = /Savepoint written: (\S+)/.exec(savepoint.stdout)?.[1];
    expect(uri).toMatch(/^file:\/\//);
    keyflow.child.kill('SIGTERM');
    await keyflow.exited;

    keyflow = running = await startKeyflow([
      '--module', paths.module,
      '--state-dir', join(paths.dir, 'state-from-savepoint'),
      '--checkpoint-dir', join(paths.dir, 'checkpoints-2'),
      '--from-savepoint', uri as string,
    ]);
    expect((await post(paths.port, 'Cy')).status).toBe(202);
    const lines = await eventually(async () => {
      const all = await greetings(paths.egress);
      return all.length >= 2 ? all : undefined;
    }, 'the greeting after the savepoint');
    expect(lines.at(-1)).toBe('Hello again Cy, visit number 2.');
    keyflow.child.kill('SIGTERM');
    expect(await keyflow.exited).toBe(0);
  });

  it('refuses a cart command that is not JSON with 400 at the ingress, and goes on serving', async () => {
    const keyflow = await start();
    const refused = await fetch(`http://127.0.0.1:${paths.port}/cart/c1`, { method: 'POST', body: '{"op":"add", sku: tea}' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe('KF_INGRESS_BAD_VALUE');
    expect((await postCart(paths.port, 'c1', { op: 'add', sku: 'tea', quantity: 1, priceCents: 450 })).status).toBe(202);
    expect((await postCart(paths.port, 'c1', { op: 'checkout' })).status).toBe(202);
    const published = await eventually(async () => {
      const all = await receipts(paths.receipts);
      return all.length >= 1 ? all : undefined;
    }, 'the receipt');
    expect(published).toEqual([{ cart: 'c1', lines: [{ sku: 'tea', quantity: 1, priceCents: 450 }], totalCents: 450 }]);
    keyflow.child.kill('SIGTERM');
    expect(await keyflow.exited).toBe(0);
  });

  it('keeps a cart in map and list state across a kill -9 and checks it out with exact quantities', async () => {
    let keyflow = await start();
    expect((await postCart(paths.port, 'c1', { op: 'add', sku: 'tea', quantity: 2, priceCents: 450 })).status).toBe(202);
    expect((await postCart(paths.port, 'c1', { op: 'add', sku: 'cake', quantity: 1, priceCents: 300 })).status).toBe(202);
    keyflow.child.kill('SIGKILL');
    await keyflow.exited;

    keyflow = await start();
    expect((await postCart(paths.port, 'c1', { op: 'add', sku: 'tea', quantity: 1, priceCents: 450 })).status).toBe(202);
    expect((await postCart(paths.port, 'c1', { op: 'remove', sku: 'cake' })).status).toBe(202);
    expect((await postCart(paths.port, 'c1', { op: 'checkout' })).status).toBe(202);
    const published = await eventually(async () => {
      const all = await receipts(paths.receipts);
      return all.length >= 1 ? all : undefined;
    }, 'the receipt');
    expect(published).toEqual([{ cart: 'c1', lines: [{ sku: 'tea', quantity: 3, priceCents: 450 }], totalCents: 1350 }]);
    keyflow.child.kill('SIGTERM');
    expect(await keyflow.exited).toBe(0);
  });

  it('beats on a durable schedule until stopped', async () => {
    const keyflow = await start();
    const heartbeat = (command: object): Promise<Response> =>
      fetch(`http://127.0.0.1:${paths.port}/heartbeat/h1`, { method: 'POST', body: JSON.stringify(command) });
    expect((await heartbeat({ op: 'start', every: '300ms' })).status).toBe(202);
    const published = await eventually(async () => {
      const all = await beats(paths.heartbeats);
      return all.length >= 3 ? all : undefined;
    }, 'three beats');
    expect(published.slice(0, 3).map((beat) => [beat.id, beat.beat])).toEqual([['h1', 1], ['h1', 2], ['h1', 3]]);
    // Each beat is due one period after the previous one, plus the beats it coalesced.
    for (let index = 1; index < published.length; index++) {
      const previous = published[index - 1]!;
      expect(Date.parse(published[index]!.scheduledAt) - Date.parse(previous.scheduledAt)).toBe(300 * (1 + previous.missed));
    }
    expect((await heartbeat({ op: 'stop' })).status).toBe(202);
    // The stop is handled within a beat or two; after that nothing more is published.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const afterStop = (await beats(paths.heartbeats)).length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await beats(paths.heartbeats)).toHaveLength(afterStop);
    keyflow.child.kill('SIGTERM');
    expect(await keyflow.exited).toBe(0);
  });
});
