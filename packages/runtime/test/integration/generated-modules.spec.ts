import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadModule, parseModule } from '../../src/module/module-loader';

// The module files codegen emits for the example app load in the runtime as they are.

const DEPLOY = join(__dirname, '..', '..', '..', '..', 'apps', 'examples', 'deploy');

describe('module.yaml files emitted by codegen', () => {
  it('loads the Keyflow module with its embedded endpoint, ingress and egress', async () => {
    const module = await loadModule(join(DEPLOY, 'module.yaml'));
    expect(module.endpoints).toEqual([
      expect.objectContaining({
        kind: 'embedded',
        functions: { kind: 'namespace', namespace: 'example' },
        modulePath: join(DEPLOY, '..', 'src', 'generated', 'functions.generated.ts'),
      }),
    ]);
    expect(module.httpIngresses.map((ingress) => ingress.id)).toEqual(['example/http']);
    expect(module.fileEgresses.map((egress) => egress.id)).toEqual(['example/greetings', 'example/receipts', 'example/heartbeats']);
  });

  it('loads the StateFun-format module (remote endpoint) unchanged', async () => {
    const module = await loadModule(join(DEPLOY, 'statefun', 'module.yaml'));
    expect(module.endpoints).toEqual([
      expect.objectContaining({ kind: 'http', urlPathTemplate: 'http://examples-functions:8000/statefun' }),
    ]);
    expect(module.endpoints[0]?.kind === 'http' && module.endpoints[0].transport.callMs).toBe(120_000);
  });

  it('loads the module inside the generated Kubernetes ConfigMap', async () => {
    const configMap = parse(await readFile(join(DEPLOY, 'k8s', 'runtime-configmap.yaml'), 'utf8')) as { data: Record<string, string> };
    const text = configMap.data['module.yaml'] ?? '';
    const module = parseModule(text, '/etc/keyflow/module.yaml');
    expect(module.endpoints.map((endpoint) => endpoint.kind)).toEqual(['http']);
    expect(module.httpIngresses).toHaveLength(1);
  });
});
