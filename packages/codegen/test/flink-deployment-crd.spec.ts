// The FlinkDeployment that codegen emits for the example app, checked against the CRD of the
// Flink Kubernetes Operator itself (fetched from Maven Central by tools/flink/flink.sh crd).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { structuralProblems, type StructuralSchema } from './support/structural-schema';

const ROOT = join(__dirname, '..', '..', '..');
const DEPLOY = join(ROOT, 'apps', 'examples', 'deploy', 'statefun');

interface Crd {
  readonly spec: { readonly group: string; readonly names: { readonly kind: string }; readonly versions: readonly { readonly name: string; readonly schema: { readonly openAPIV3Schema: StructuralSchema } }[] };
}

async function operatorCrd(): Promise<Crd> {
  const { stdout } = await promisify(execFile)(join(ROOT, 'tools', 'flink', 'flink.sh'), ['crd'], { maxBuffer: 16 * 1024 * 1024 });
  const path = /FLINK_DEPLOYMENT_CRD=(\S+)/.exec(stdout)?.[1];
  if (path === undefined) throw new Error(`flink.sh crd printed no path: ${stdout}`);
  return parse(await readFile(path, 'utf8')) as Crd;
}

/** The fields a CRD's schema describes: apiVersion, kind and metadata are checked by Kubernetes itself. */
function schemaFields(resource: { spec: unknown }): { spec: unknown } {
  return { spec: resource.spec };
}

describe("the example app's FlinkDeployment against the Flink Kubernetes Operator's CRD", () => {
  let crd: Crd;
  let deployment: { apiVersion: string; kind: string; spec: Record<string, unknown> };

  beforeAll(async () => {
    crd = await operatorCrd();
    deployment = parse(await readFile(join(DEPLOY, 'flink-deployment.yaml'), 'utf8')) as typeof deployment;
  }, 300_000);

  it('is a kind and version the CRD serves', () => {
    expect(crd.spec.names.kind).toBe(deployment.kind);
    expect(crd.spec.versions.map((version) => `${crd.spec.group}/${version.name}`)).toContain(deployment.apiVersion);
  });

  it('conforms to the schema of that version (types, enums, no unknown fields)', () => {
    const version = crd.spec.versions.find((candidate) => `${crd.spec.group}/${candidate.name}` === deployment.apiVersion);
    const schema = version?.schema.openAPIV3Schema as StructuralSchema;
    expect(structuralProblems(schemaFields(deployment), schema)).toEqual([]);
  });

  it('would be caught by the check when a field is wrong', () => {
    const schema = crd.spec.versions[0]?.schema.openAPIV3Schema as StructuralSchema;
    const broken = { ...deployment, spec: { ...deployment.spec, flinkVersion: 'v1_99', job: { ...(deployment.spec['job'] as object), upgradeMode: 'sometimes', jarUri: 'x' } } };
    expect(structuralProblems(schemaFields(broken), schema)).toEqual([
      '$.spec.flinkVersion: "v1_99" is not one of ["v1_13","v1_14","v1_15","v1_16","v1_17","v1_18","v1_19","v1_20"]',
      '$.spec.job.upgradeMode: "sometimes" is not one of ["last-state","savepoint","stateless"]',
      '$.spec.job.jarUri: not a field of the schema',
    ]);
  });

  it('runs StateFun on RocksDB with S3 checkpoints and mounts the module ConfigMap it names', async () => {
    const config = deployment.spec['flinkConfiguration'] as Record<string, string>;
    expect(config['state.backend']).toBe('rocksdb');
    expect(config['state.checkpoints.dir']).toMatch(/^s3:\/\//);
    const [configMap] = parseAllDocuments(await readFile(join(DEPLOY, 'module-configmap.yaml'), 'utf8')).map((document) => document.toJS() as { metadata: { name: string }; data: Record<string, string> });
    expect(JSON.stringify(deployment.spec['podTemplate'])).toContain(`"name":"${configMap?.metadata.name ?? ''}"`);
    const module = parseAllDocuments(configMap?.data['module.yaml'] ?? '').map((document) => document.toJS() as { kind: string });
    expect(module.map((document) => document.kind)).toEqual(['io.statefun.endpoints.v2/http']);
    expect(config['statefun.remote.module-name']).toBe('file:///etc/statefun/module.yaml');
  });
});
