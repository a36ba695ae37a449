import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, freePort } from './keyflow-process';

/** Where a copy of the example app's module.yaml sends its HTTP ingress and file egresses. */
export interface Paths {
  readonly dir: string;
  readonly module: string;
  readonly state: string;
  readonly egress: string;
  readonly receipts: string;
  readonly heartbeats: string;
  readonly port: number;
}

/** The example app's module.yaml in a temporary folder, on a free ingress port, with its egresses there too. */
export async function exampleModule(): Promise<Paths> {
  const dir = await mkdtemp(join(tmpdir(), 'keyflow-e2e-'));
  const port = await freePort();
  const egress = join(dir, 'greetings.jsonl');
  const receipts = join(dir, 'receipts.jsonl');
  const heartbeats = join(dir, 'heartbeats.jsonl');
  const source = await readFile(join(ROOT, 'apps/examples/deploy/module.yaml'), 'utf8');
  const functionsModule = /module: (\S+)/.exec(source)?.[1];
  if (!functionsModule) throw new Error('apps/examples/deploy/module.yaml has no embedded module');
  const text = source
    .replace(/module: \S+/, `module: ${join(ROOT, 'apps/examples/deploy', functionsModule)}`)
    .replace(/port: \d+/, `port: ${port}`)
    .replace(/path: \S+greetings\.jsonl/, `path: ${egress}`)
    .replace(/path: \S+receipts\.jsonl/, `path: ${receipts}`)
    .replace(/path: \S+heartbeats\.jsonl/, `path: ${heartbeats}`);
  const module = join(dir, 'module.yaml');
  await writeFile(module, text);
  return { dir, module, state: join(dir, 'state'), egress, receipts, heartbeats, port };
}

