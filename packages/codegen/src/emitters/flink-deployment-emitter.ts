import { posix } from 'node:path';
import type { ResolvedCodegenOptions } from '../codegen/codegen-options';
import type { GeneratedFile } from '../codegen/generated-file';
import { projectLayout } from '../codegen/project-layout';
import type { ScannedFunction } from '../scanner/scanned-function';
import { yamlHeader } from './generated-header';
import type { IoDocument } from './io-documents';
import type { KubernetesManifest } from './kubernetes-emitter';
import { assembleModule } from './module-documents';
import { isStatefunKind, remoteEndpoints } from './statefun-module-emitter';
import { toYaml } from './yaml-writer';

/** What the FlinkDeployment emitter needs. */
export interface FlinkDeploymentInput {
  readonly options: ResolvedCodegenOptions;
  readonly functions: readonly ScannedFunction[];
  readonly ioDocuments: readonly IoDocument[];
}

/**
 * The Apache Flink StateFun release the manifests run: its official image holds Flink 1.16 and
 * `lib/statefun-flink-distribution.jar`, whose entry class runs the job.
 */
export const STATEFUN_RUNTIME = {
  image: 'apache/flink-statefun:3.3.0',
  flinkVersion: 'v1_16',
  jarURI: 'local:///opt/flink/lib/statefun-flink-distribution.jar',
  entryClass: 'org.apache.flink.statefun.flink.core.StatefulFunctionsJob',
  /** Where the pods mount the module ConfigMap. */
  moduleDir: '/etc/statefun',
} as const;

/**
 * The manifests a Flink user deploys for the remote topology on Kubernetes, next to the
 * function service Deployment and Service of `deploy/k8s/`: a ConfigMap holding the StateFun
 * module.yaml, and a `FlinkDeployment` (flink.apache.org/v1beta1) for the Flink Kubernetes
 * Operator that runs StateFun's job on RocksDB with incremental checkpoints and savepoints in
 * S3 (bucket `<project>-statefun`; Flink's S3 plugin is enabled in the pods), upgraded through
 * savepoints.
 */
export function flinkDeploymentManifests(input: FlinkDeploymentInput): KubernetesManifest[] {
  const { options } = input;
  const name = `${options.kubernetesName}-statefun`;
  const labels = {
    'app.kubernetes.io/name': options.kubernetesName,
    'app.kubernetes.io/component': 'statefun',
    'app.kubernetes.io/part-of': 'keyflow',
    'app.kubernetes.io/managed-by': 'keyflow-codegen',
  };
  const module = assembleModule(
    `# StateFun remote module of project ${options.projectName}: the functions at ${options.urlPathTemplate}.\n`,
    remoteEndpoints(options, input.functions),
    { documents: input.ioDocuments, keep: isStatefunKind, skippedNote: (kind) => `skipped: ${kind} (Keyflow-only)` },
  );
  const bucket = `s3://${name}`;
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-module`, labels },
    data: { 'module.yaml': module },
  };
  const flinkDeployment = {
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkDeployment',
    metadata: { name, labels },
    spec: {
      image: STATEFUN_RUNTIME.image,
      flinkVersion: STATEFUN_RUNTIME.flinkVersion,
      mode: 'native',
      serviceAccount: 'flink',
      flinkConfiguration: {
        'taskmanager.numberOfTaskSlots': '2',
        'state.backend': 'rocksdb',
        'state.backend.incremental': 'true',
        'state.checkpoints.dir': `${bucket}/checkpoints`,
        'state.savepoints.dir': `${bucket}/savepoints`,
        'execution.checkpointing.interval': '10s',
        'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
        // StateFun's config validator requires these parent-first patterns.
        'classloader.parent-first-patterns.additional': 'org.apache.flink.statefun;org.apache.kafka;com.google.protobuf',
        'statefun.remote.module-name': `file://${STATEFUN_RUNTIME.moduleDir}/module.yaml`,
        'restart-strategy': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': '2147483647',
        'restart-strategy.fixed-delay.delay': '5s',
      },
      podTemplate: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { labels },
        spec: {
          containers: [
            {
              // The operator merges this into the Flink container of every JobManager and TaskManager pod.
              name: 'flink-main-container',
              env: [{ name: 'ENABLE_BUILT_IN_PLUGINS', value: 'flink-s3-fs-presto-1.16.2.jar' }],
              volumeMounts: [{ name: 'statefun-module', mountPath: STATEFUN_RUNTIME.moduleDir, readOnly: true }],
            },
          ],
          volumes: [{ name: 'statefun-module', configMap: { name: `${name}-module` } }],
        },
      },
      jobManager: { replicas: 1, resource: { memory: '1024m', cpu: 1 } },
      taskManager: { resource: { memory: '2048m', cpu: 1 } },
      job: {
        jarURI: STATEFUN_RUNTIME.jarURI,
        entryClass: STATEFUN_RUNTIME.entryClass,
        parallelism: 2,
        upgradeMode: 'savepoint',
        state: 'running',
      },
    },
  };
  return [
    { fileName: 'module-configmap.yaml', object: configMap },
    { fileName: 'flink-deployment.yaml', object: flinkDeployment },
  ];
}

/** Emits `deploy/statefun/module-configmap.yaml` and `deploy/statefun/flink-deployment.yaml`. */
export function emitFlinkDeployment(input: FlinkDeploymentInput): GeneratedFile[] {
  const dir = posix.dirname(projectLayout(input.options.projectRoot).statefunModuleFile);
  const header = yamlHeader(input.options.projectName, [
    `Apache Flink StateFun on Kubernetes (Flink Kubernetes Operator) for project ${input.options.projectName}:`,
    'kubectl apply these after deploy/k8s/functions-*.yaml; the operator must be installed.',
  ]);
  return flinkDeploymentManifests(input).map((manifest) => ({
    path: posix.join(dir, manifest.fileName),
    content: `${header}${toYaml(manifest.object)}`,
  }));
}
