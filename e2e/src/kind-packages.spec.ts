import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { findKindPackages } from '@keyflow/runtime';
import { KEYFLOW_CLI, ROOT } from './support/keyflow-process';

// `keyflow run` from the workspace root or from the example app finds the Kafka and Kinesis
// kinds of @keyflow/connectors because those package.json files declare the dependency.

describe('kind packages declared by the workspace', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-kind-packages-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['the workspace root', ROOT, join(ROOT, 'package.json')],
    ['the example app', join(ROOT, 'apps', 'examples'), join(ROOT, 'apps', 'examples', 'package.json')],
  ])('finds the connectors from %s, through its own package.json', (_where, folder, manifest) => {
    const connectors = findKindPackages([folder]).find((found) => found.name === '@keyflow/connectors');
    expect(connectors?.declaredIn).toBe(manifest);
    expect(connectors?.kinds.map((kind) => kind.name)).toEqual(
      expect.arrayContaining(['io.statefun.kafka.v1/ingress', 'io.statefun.kafka.v1/egress', 'io.statefun.kinesis.v1/ingress', 'io.statefun.kinesis.v1/egress']),
    );
  });

  it('keyflow run, started from the root, reads a Kafka egress document with the Kafka kind', async () => {
    const module = join(dir, 'module.yaml');
    await writeFile(module, 'kind: io.statefun.kafka.v1/egress\nspec:\n  id: example/out\n  address: 127.0.0.1:9\n  deliverySemantc:\n    type: at-least-once\n');
    const result = spawnSync(process.execPath, [KEYFLOW_CLI, 'run', '--module', module, '--memory-state'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status).toBe(1);
    // The Kafka kind read the spec and found the misspelt key; an unknown kind would say KF_MODULE_UNKNOWN_KIND.
    expect(output).toContain('KF_MODULE_INVALID');
    expect(output).toContain(`${module}:5`);
    expect(output).toContain('deliverySemantc');
  });
});
