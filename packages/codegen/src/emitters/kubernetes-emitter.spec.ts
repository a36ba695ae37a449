import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { resolveCodegenOptions } from '../codegen/codegen-options';
import { scanProject } from '../scanner/scan-project';
import { functionSource, projectSources } from '../test-support/project-sources';
import { parseYamlDocuments } from '../test-support/yaml-documents';
import { emitKubernetes, httpIngressPorts, listenOnPodAddress } from './kubernetes-emitter';
import { readIoDocuments } from './io-documents';

const { functions } = scanProject(projectSources({ 'src/a.function.ts': functionSource('example/greeter', 'Greeter') }));
const ioDocuments = readIoDocuments('k.yaml', 'kind: io.keyflow.http.v1/ingress\nspec: { id: example/http, port: 8090 }\n').documents;

function manifests(options: Partial<Parameters<typeof resolveCodegenOptions>[0]> = {}) {
  const resolved = resolveCodegenOptions({ projectName: 'Demo_App', projectRoot: 'apps/demo', ...options });
  const files = emitKubernetes({ options: resolved, functions, ioDocuments });
  return Object.fromEntries(
    files.map((file) => {
      const documents = parseYamlDocuments(file.content);
      expect(documents).toHaveLength(1);
      return [file.path.replace('apps/demo/deploy/k8s/', ''), documents[0] as Record<string, unknown>];
    }),
  );
}

describe('emitKubernetes', () => {
  const objects = manifests();

  it('emits the function service and the runtime, one object per file', () => {
    expect(Object.keys(objects)).toEqual([
      'functions-deployment.yaml',
      'functions-service.yaml',
      'runtime-configmap.yaml',
      'runtime-settings.yaml',
      'runtime-service.yaml',
      'runtime-statefulset.yaml',
    ]);
  });

  it('passes the Kubernetes schema validation of every object', () => {
    expect(() => new Deployment(objects['functions-deployment.yaml'] as never).validate()).not.toThrow();
    expect(() => new Service(objects['functions-service.yaml'] as never).validate()).not.toThrow();
    expect(() => new ConfigMap(objects['runtime-configmap.yaml'] as never).validate()).not.toThrow();
    expect(() => new ConfigMap(objects['runtime-settings.yaml'] as never).validate()).not.toThrow();
    expect(() => new Service(objects['runtime-service.yaml'] as never).validate()).not.toThrow();
    expect(() => new StatefulSet(objects['runtime-statefulset.yaml'] as never).validate()).not.toThrow();
  });

  it('the validation catches a broken manifest (so the test above means something)', () => {
    const broken = structuredClone(objects['runtime-statefulset.yaml']) as { spec: { replicas: unknown } };
    broken.spec.replicas = 'one';
    expect(() => new StatefulSet(broken as never).validate()).toThrow();
  });

  it('names objects after the project and wires the Service to urlPathTemplate', () => {
    expect(objects['functions-service.yaml']).toMatchObject({
      metadata: { name: 'demo-app-functions' },
      spec: { ports: [{ port: 8000, targetPort: 'http' }] },
    });
    const moduleYaml = (objects['runtime-configmap.yaml'] as { data: Record<string, string> }).data['module.yaml'] ?? '';
    expect(parseYamlDocuments(moduleYaml)).toEqual([
      {
        kind: 'io.statefun.endpoints.v2/http',
        spec: {
          functions: 'example/*',
          urlPathTemplate: 'http://demo-app-functions:8000/statefun',
          transport: { type: 'io.statefun.transports.v1/async', call: '2m', connect: '20s' },
        },
      },
      { kind: 'io.keyflow.http.v1/ingress', spec: { id: 'example/http', port: 8090 } },
    ]);
  });

  it('gives the runtime a RocksDB volume and rolls it when the module changes', () => {
    const statefulSet = objects['runtime-statefulset.yaml'] as {
      spec: { volumeClaimTemplates: unknown[]; template: { metadata: { annotations: Record<string, string> } } };
    };
    expect(statefulSet.spec.volumeClaimTemplates).toEqual([
      expect.objectContaining({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }),
    ]);
    const checksum = statefulSet.spec.template.metadata.annotations['keyflow.io/module-sha256'];
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    const other = manifests({ urlPathTemplate: 'http://elsewhere:9000/statefun' })['runtime-statefulset.yaml'] as typeof statefulSet;
    expect(other.spec.template.metadata.annotations['keyflow.io/module-sha256']).not.toBe(checksum);
  });

  it('starts the runtime with explicit keyflow run arguments, checkpoints set by the settings ConfigMap', () => {
    const container = (objects['runtime-statefulset.yaml'] as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } })
      .spec.template.spec.containers[0];
    expect(container?.['args']).toEqual([
      'run',
      '--module',
      '/etc/keyflow/module.yaml',
      '--state-dir',
      '/var/lib/keyflow/state',
      '--checkpoint-dir',
      '$(KEYFLOW_CHECKPOINT_DIR)',
      '--port-admin',
      '8091',
    ]);
    expect(container?.['envFrom']).toEqual([
      { configMapRef: { name: 'demo-app-runtime-settings' } },
      { secretRef: { name: 'demo-app-runtime-credentials', optional: true } },
    ]);
    expect(objects['runtime-settings.yaml']).toMatchObject({
      metadata: { name: 'demo-app-runtime-settings' },
      data: { KEYFLOW_CHECKPOINT_DIR: '/var/lib/keyflow/checkpoints' },
    });
    // Ready when the HTTP ingress accepts connections; the admin API listens on 127.0.0.1 only,
    // where a kubelet probe would never succeed.
    expect(container?.['readinessProbe']).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 2 });
  });

  it('exposes the admin port and the HTTP ingress ports of the module on the runtime Service', () => {
    expect(objects['runtime-service.yaml']).toMatchObject({
      spec: {
        clusterIP: 'None',
        ports: [
          { name: 'admin', port: 8091, targetPort: 'admin' },
          { name: 'http', port: 8090, targetPort: 'http' },
        ],
      },
    });
    expect(httpIngressPorts(readIoDocuments('k.yaml', 'kind: io.keyflow.http.v1/ingress\nspec:\n  id: a/b\n  port: 9001\n---\nkind: io.keyflow.file.v1/egress\nspec: { id: a/c, path: x }\n').documents)).toEqual([9001]);
  });

  it('uses images the node has without pulling them again', () => {
    expect(objects['functions-deployment.yaml']).toMatchObject({ spec: { template: { spec: { containers: [{ imagePullPolicy: 'IfNotPresent' }] } } } });
    expect(objects['runtime-statefulset.yaml']).toMatchObject({ spec: { template: { spec: { containers: [{ imagePullPolicy: 'IfNotPresent' }] } } } });
  });

  it('makes an HTTP ingress without a host listen on the pod address, leaving others as written', () => {
    const [block, withHost, egress] = readIoDocuments(
      'k.yaml',
      'kind: io.keyflow.http.v1/ingress\nspec:\n  id: a/b\n  port: 9001\n---\nkind: io.keyflow.http.v1/ingress\nspec:\n  id: a/c\n  host: 10.0.0.1\n  port: 9002\n---\nkind: io.keyflow.file.v1/egress\nspec:\n  id: a/d\n  path: x\n',
    ).documents;
    expect(parseYamlDocuments(listenOnPodAddress(block as never).text)).toEqual([{ kind: 'io.keyflow.http.v1/ingress', spec: { host: '0.0.0.0', id: 'a/b', port: 9001 } }]);
    expect(listenOnPodAddress(withHost as never)).toBe(withHost);
    expect(listenOnPodAddress(egress as never)).toBe(egress);
  });

  it('rolls the function Deployment without taking a replica away first', () => {
    expect(objects['functions-deployment.yaml']).toMatchObject({
      spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } },
    });
  });

  it('takes images, port and volume size as options', () => {
    const custom = manifests({ functionsImage: 'reg/fn:1.2', runtimeImage: 'reg/rt:3', functionsPort: 9000, stateVolumeSize: '50Gi' });
    expect(custom['functions-deployment.yaml']).toMatchObject({
      spec: { template: { spec: { containers: [{ image: 'reg/fn:1.2', ports: [{ containerPort: 9000 }] }] } } },
    });
    expect(custom['runtime-statefulset.yaml']).toMatchObject({ spec: { template: { spec: { containers: [{ image: 'reg/rt:3' }] } } } });
    expect(() => new Deployment(custom['functions-deployment.yaml'] as never).validate()).not.toThrow();
  });
});
