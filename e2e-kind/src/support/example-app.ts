import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { SERVICES } from './infrastructure';
import { apply } from './kubectl';

const repoRoot = resolve(__dirname, '../../..');
/** The manifests codegen generated for apps/examples: what the gate deploys. */
export const GENERATED_DIR = join(repoRoot, 'apps/examples/deploy/k8s');

/** Names of the example app's objects in the generated manifests. */
export const APP = {
  runtime: 'statefulset/examples-runtime',
  runtimePod: 'examples-runtime-0',
  runtimeClaim: 'data-examples-runtime-0',
  runtimeService: 'service/examples-runtime',
  functions: 'deployment/examples-functions',
  functionsSelector: 'app.kubernetes.io/name=examples,app.kubernetes.io/component=functions',
} as const;

/** What the gate sets in the generated settings ConfigMap: checkpoints in the S3 server. */
export const S3_SETTINGS = {
  KEYFLOW_CHECKPOINT_DIR: `s3://${SERVICES.s3.bucket}/checkpoints`,
  KEYFLOW_S3_ENDPOINT: `http://${SERVICES.s3.name}:${SERVICES.s3.port}`,
  AWS_REGION: 'us-east-1',
} as const;

interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
}

/**
 * Applies the generated manifests as a user would for this environment: the settings
 * ConfigMap points checkpoints at S3, the credentials Secret holds the S3 keys, and the module
 * gets the gate's Kafka and Kinesis documents after the generated ones. Deployment, Service
 * and StatefulSet are applied exactly as generated.
 */
export async function deployExampleApp(): Promise<void> {
  const gateIo = readFileSync(join(__dirname, 'gate-io.yaml'), 'utf8');
  const files = readdirSync(GENERATED_DIR).filter((file) => file.endsWith('.yaml')).sort();
  const configMaps: string[] = [];
  const workloads: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(GENERATED_DIR, file), 'utf8');
    const manifest = parse(text) as Manifest;
    if (manifest.kind !== 'ConfigMap') {
      workloads.push(text);
      continue;
    }
    if (manifest.data?.['module.yaml'] !== undefined) {
      manifest.data['module.yaml'] = `${manifest.data['module.yaml'].trimEnd()}\n---\n${gateIo}`;
    } else {
      manifest.data = { ...manifest.data, ...S3_SETTINGS };
    }
    configMaps.push(stringify(manifest));
  }
  const secret = stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'examples-runtime-credentials' },
    stringData: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
  });
  await apply([...configMaps, secret].join('---\n'));
  await apply(workloads.join('---\n'));
}
