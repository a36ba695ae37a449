import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { ResolvedCodegenOptions } from '../codegen/codegen-options';
import type { GeneratedFile } from '../codegen/generated-file';
import { projectLayout } from '../codegen/project-layout';
import type { ScannedFunction } from '../scanner/scanned-function';
import { yamlHeader } from './generated-header';
import type { IoDocument } from './io-documents';
import { assembleModule } from './module-documents';
import { remoteEndpoints } from './statefun-module-emitter';
import { toYaml, type YamlValue } from './yaml-writer';

/** What the Kubernetes emitter needs. */
export interface KubernetesInput {
  readonly options: ResolvedCodegenOptions;
  readonly functions: readonly ScannedFunction[];
  readonly ioDocuments: readonly IoDocument[];
}

/** One manifest: its file name under `deploy/k8s/` and the object. */
export interface KubernetesManifest {
  readonly fileName: string;
  readonly object: { readonly [key: string]: YamlValue };
}

/** Where the runtime container finds its module, keeps RocksDB, and writes checkpoints. */
export const RUNTIME_PATHS = {
  moduleDir: '/etc/keyflow',
  module: '/etc/keyflow/module.yaml',
  dataDir: '/var/lib/keyflow',
  state: '/var/lib/keyflow/state',
  checkpoints: '/var/lib/keyflow/checkpoints',
} as const;

/** The runtime's admin port (`GET /health`, `POST /checkpoint`, `POST /savepoint`). */
export const RUNTIME_ADMIN_PORT = 8091;

const HTTP_INGRESS_KIND = 'io.keyflow.http.v1/ingress';
const PORT_FIELD = /\bport\s*:\s*(\d+)/;

const BLOCK_SPEC_LINE = /^spec:[ \t]*(#.*)?$/m;
const HOST_FIELD = /^[ \t]+host[ \t]*:/m;

/**
 * An HTTP ingress listens on 127.0.0.1 unless its spec says otherwise, which no Service can
 * reach: in the pod it listens on every interface (`host: 0.0.0.0`) unless a host is set.
 * Documents whose spec is not a block mapping are left as they are.
 */
export function listenOnPodAddress(document: IoDocument): IoDocument {
  if (document.kind !== HTTP_INGRESS_KIND || HOST_FIELD.test(document.text) || !BLOCK_SPEC_LINE.test(document.text)) return document;
  const text = document.text.replace(BLOCK_SPEC_LINE, (line) => `${line}\n  host: 0.0.0.0 # added for Kubernetes: reachable through the Service`);
  return { ...document, text };
}

/** The ports the module's HTTP ingresses listen on, so the runtime's Service exposes them. */
export function httpIngressPorts(documents: readonly IoDocument[]): number[] {
  const ports = documents
    .filter((document) => document.kind === HTTP_INGRESS_KIND)
    .map((document) => Number(PORT_FIELD.exec(document.text)?.[1]))
    .filter((port) => Number.isInteger(port) && port > 0);
  return [...new Set(ports)];
}

/**
 * The manifests of the remote topology: the function service (Deployment and Service, the
 * target of `urlPathTemplate`) and the Keyflow runtime (a StatefulSet with a volume for
 * RocksDB and checkpoints, its headless Service, and a ConfigMap holding its module.yaml).
 *
 * The runtime image's entrypoint is `keyflow`; the StatefulSet passes `run` and explicit
 * arguments. Where checkpoints go comes from the `<name>-runtime-settings` ConfigMap
 * (`KEYFLOW_CHECKPOINT_DIR`, default: the volume; `s3://bucket/prefix` with
 * `KEYFLOW_S3_ENDPOINT` and `AWS_REGION` for S3) and the optional `<name>-runtime-credentials`
 * Secret (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`). The function service listens on
 * `HOST`:`PORT` (as apps/examples/src/function-service.ts does).
 */
export function kubernetesManifests(input: KubernetesInput): KubernetesManifest[] {
  const { options } = input;
  const name = options.kubernetesName;
  const functionsName = `${name}-functions`;
  const runtimeName = `${name}-runtime`;
  const labels = (component: string): Record<string, string> => ({
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'keyflow',
    'app.kubernetes.io/managed-by': 'keyflow-codegen',
  });
  const selector = (component: string): Record<string, string> => ({
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
  });
  const runtimeModule = assembleModule(
    [
      `# Keyflow module of project ${options.projectName} for the remote topology: the runtime calls the`,
      `# functions over HTTP at ${options.urlPathTemplate}.`,
      '',
    ].join('\n'),
    remoteEndpoints(options, input.functions),
    { documents: input.ioDocuments.map(listenOnPodAddress), keep: () => true },
  );
  const moduleChecksum = createHash('sha256').update(runtimeModule).digest('hex');
  const runtimePorts = [
    { name: 'admin', containerPort: RUNTIME_ADMIN_PORT },
    ...httpIngressPorts(input.ioDocuments).map((port, index) => ({ name: index === 0 ? 'http' : `http-${index + 1}`, containerPort: port })),
  ];

  const functionsDeployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: functionsName, labels: labels('functions') },
    spec: {
      replicas: 2,
      selector: { matchLabels: selector('functions') },
      // A new pod is ready before an old one goes, so the runtime always has a replica to call.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels('functions') },
        spec: {
          containers: [
            {
              name: 'functions',
              image: options.functionsImage,
              // Never pull an image the node already has (kind loads images; `:latest` would otherwise always pull).
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: options.functionsPort }],
              env: [
                { name: 'HOST', value: '0.0.0.0' },
                { name: 'PORT', value: String(options.functionsPort) },
              ],
              readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10 },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
            },
          ],
        },
      },
    },
  };
  const functionsService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: functionsName, labels: labels('functions') },
    spec: {
      selector: selector('functions'),
      ports: [{ name: 'http', port: options.functionsPort, targetPort: 'http' }],
    },
  };
  const runtimeConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${runtimeName}-module`, labels: labels('runtime') },
    data: { 'module.yaml': runtimeModule },
  };
  const runtimeSettings = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${runtimeName}-settings`, labels: labels('runtime') },
    data: { KEYFLOW_CHECKPOINT_DIR: RUNTIME_PATHS.checkpoints },
  };
  const runtimeService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: runtimeName, labels: labels('runtime') },
    spec: {
      clusterIP: 'None',
      selector: selector('runtime'),
      ports: runtimePorts.map((port) => ({ name: port.name, port: port.containerPort, targetPort: port.name })),
    },
  };
  const runtimeStatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: runtimeName, labels: labels('runtime') },
    spec: {
      serviceName: runtimeName,
      replicas: 1,
      selector: { matchLabels: selector('runtime') },
      template: {
        metadata: {
          labels: labels('runtime'),
          // A new module changes the pod template, so Kubernetes rolls the runtime.
          annotations: { 'keyflow.io/module-sha256': moduleChecksum },
        },
        spec: {
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: 'runtime',
              image: options.runtimeImage,
              imagePullPolicy: 'IfNotPresent',
              args: [
                'run',
                '--module',
                RUNTIME_PATHS.module,
                '--state-dir',
                RUNTIME_PATHS.state,
                // Kubernetes substitutes $(VAR) from the container's environment.
                '--checkpoint-dir',
                '$(KEYFLOW_CHECKPOINT_DIR)',
                '--port-admin',
                String(RUNTIME_ADMIN_PORT),
              ],
              envFrom: [
                { configMapRef: { name: `${runtimeName}-settings` } },
                { secretRef: { name: `${runtimeName}-credentials`, optional: true } },
              ],
              // Ready once the first HTTP ingress accepts connections (after recovery); the admin
              // API (GET /health) listens on 127.0.0.1 only, where the kubelet cannot probe it.
              ...(runtimePorts.some((port) => port.name === 'http') ? { readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 } } : {}),
              ports: runtimePorts,
              volumeMounts: [
                { name: 'module', mountPath: RUNTIME_PATHS.moduleDir, readOnly: true },
                { name: 'data', mountPath: RUNTIME_PATHS.dataDir },
              ],
              resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
            },
          ],
          volumes: [{ name: 'module', configMap: { name: `${runtimeName}-module` } }],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: labels('runtime') },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: options.stateVolumeSize } } },
        },
      ],
    },
  };
  return [
    { fileName: 'functions-deployment.yaml', object: functionsDeployment },
    { fileName: 'functions-service.yaml', object: functionsService },
    { fileName: 'runtime-configmap.yaml', object: runtimeConfigMap },
    { fileName: 'runtime-settings.yaml', object: runtimeSettings },
    { fileName: 'runtime-service.yaml', object: runtimeService },
    { fileName: 'runtime-statefulset.yaml', object: runtimeStatefulSet },
  ];
}

/** Emits `deploy/k8s/*.yaml`, one object per file. */
export function emitKubernetes(input: KubernetesInput): GeneratedFile[] {
  const dir = projectLayout(input.options.projectRoot).kubernetesDir;
  const header = yamlHeader(input.options.projectName, [
    `Kubernetes manifests of project ${input.options.projectName}, remote topology: function service and Keyflow runtime.`,
  ]);
  return kubernetesManifests(input).map((manifest) => ({
    path: posix.join(dir, manifest.fileName),
    content: `${header}${toYaml(manifest.object)}`,
  }));
}
