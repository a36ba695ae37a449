import { generateProject } from '../codegen/generate-project';
import { CodegenErrorCodes } from '../errors/codegen-error-codes';
import { functionSource, inProject, memoryProjectFiles } from '../test-support/project-sources';
import { parseYamlDocuments } from '../test-support/yaml-documents';

const IO = [
  '# The demo app’s io.',
  'kind: io.keyflow.http.v1/ingress',
  'spec:',
  '  id: example/http',
  '  port: 8090',
  '---',
  'kind: io.statefun.kafka.v1/ingress',
  'spec:',
  '  id: example/in',
  '  address: kafka:9092',
  '  topics:',
  '    - topic: names',
  '      valueType: io.statefun.types/string',
  '      targets: [example/greeter]',
  '---',
  'kind: io.keyflow.file.v1/egress',
  'spec: { id: example/out, path: ../out/out.jsonl }',
  '',
].join('\n');

function generate(extra: Record<string, string> = {}, options: { urlPathTemplate?: string } = {}) {
  const files = memoryProjectFiles(
    inProject({
      'src/functions/greeter.function.ts': functionSource('example/greeter', 'Greeter'),
      'src/functions/audit.function.ts': functionSource('ops.audit/log', 'AuditLog'),
      ...extra,
    }),
  );
  const result = generateProject(files, { projectName: 'demo', projectRoot: 'apps/demo', ...options });
  const file = (path: string): string => result.files.find((f) => f.path === `apps/demo/${path}`)?.content ?? '';
  return { result, file };
}

describe('module.yaml emitters', () => {
  it('Keyflow: one embedded endpoint per namespace pointing at the registry, then keyflow.io.yaml in order', () => {
    const { file } = generate({ 'keyflow.io.yaml': IO });
    const text = file('deploy/module.yaml');
    expect(text.split('\n')[0]).toBe('# @generated — do not edit. Regenerate with: npx nx run demo:codegen');
    expect(parseYamlDocuments(text)).toEqual([
      { kind: 'io.keyflow.endpoints.v1/embedded', spec: { functions: 'example/*', module: '../src/generated/functions.generated.ts' } },
      { kind: 'io.keyflow.endpoints.v1/embedded', spec: { functions: 'ops.audit/*', module: '../src/generated/functions.generated.ts' } },
      { kind: 'io.keyflow.http.v1/ingress', spec: { id: 'example/http', port: 8090 } },
      {
        kind: 'io.statefun.kafka.v1/ingress',
        spec: {
          id: 'example/in',
          address: 'kafka:9092',
          topics: [{ topic: 'names', valueType: 'io.statefun.types/string', targets: ['example/greeter'] }],
        },
      },
      { kind: 'io.keyflow.file.v1/egress', spec: { id: 'example/out', path: '../out/out.jsonl' } },
    ]);
    expect(text).toContain('# From keyflow.io.yaml, line 2.\n# The demo app’s io.\nkind: io.keyflow.http.v1/ingress\n');
  });

  it('StateFun: v2 http endpoints on the async transport, only io.statefun.* documents, skipped kinds noted', () => {
    const { file } = generate({ 'keyflow.io.yaml': IO });
    const text = file('deploy/statefun/module.yaml');
    const endpoint = (namespace: string) => ({
      kind: 'io.statefun.endpoints.v2/http',
      spec: {
        functions: `${namespace}/*`,
        urlPathTemplate: 'http://demo-functions:8000/statefun',
        transport: { type: 'io.statefun.transports.v1/async', call: '2m', connect: '20s' },
      },
    });
    const documents = parseYamlDocuments(text);
    expect(documents).toEqual([endpoint('example'), endpoint('ops.audit'), expect.objectContaining({ kind: 'io.statefun.kafka.v1/ingress' })]);
    expect(text).toContain('# skipped: io.keyflow.http.v1/ingress (Keyflow-only)\n');
    expect(text).toContain('# skipped: io.keyflow.file.v1/egress (Keyflow-only)\n');
    expect(text.indexOf('skipped: io.keyflow.http')).toBeLessThan(text.indexOf('kind: io.statefun.kafka.v1/ingress'));
  });

  it('takes urlPathTemplate as an option', () => {
    const { file } = generate({}, { urlPathTemplate: 'https://functions.example.com/{function.name}' });
    expect(parseYamlDocuments(file('deploy/statefun/module.yaml'))[0]).toMatchObject({
      spec: { urlPathTemplate: 'https://functions.example.com/{function.name}' },
    });
  });

  it('rejects an invalid urlPathTemplate, and io documents it cannot use, and emits nothing then', () => {
    expect(generate({}, { urlPathTemplate: 'ftp://x' }).result.errors.map((error) => error.code)).toEqual([
      CodegenErrorCodes.INVALID_OPTION,
    ]);
    const { result } = generate({ 'keyflow.io.yaml': 'spec: {}\n' });
    expect(result.errors.map((error) => error.code)).toEqual([CodegenErrorCodes.IO_DOCUMENT_INVALID]);
    expect(result.files).toEqual([]);
  });

  it('produces every file, sorted, each with the generated header, LF endings and a final newline', () => {
    const { result } = generate({ 'keyflow.io.yaml': IO });
    expect(result.files.map((f) => f.path)).toEqual([
      'apps/demo/deploy/k8s/functions-deployment.yaml',
      'apps/demo/deploy/k8s/functions-service.yaml',
      'apps/demo/deploy/k8s/runtime-configmap.yaml',
      'apps/demo/deploy/k8s/runtime-service.yaml',
      'apps/demo/deploy/k8s/runtime-settings.yaml',
      'apps/demo/deploy/k8s/runtime-statefulset.yaml',
      'apps/demo/deploy/module.yaml',
      'apps/demo/deploy/statefun/flink-deployment.yaml',
      'apps/demo/deploy/statefun/module-configmap.yaml',
      'apps/demo/deploy/statefun/module.yaml',
      'apps/demo/src/generated/functions.generated.ts',
      'apps/demo/src/generated/storage.generated.ts',
    ]);
    for (const { content } of result.files) {
      expect(content.split('\n')[0]).toMatch(/^(#|\/\/) @generated — do not edit\. Regenerate with: npx nx run demo:codegen$/);
      expect(content).not.toContain('\r');
      expect(content.endsWith('\n')).toBe(true);
    }
    expect(generate({ 'keyflow.io.yaml': IO }).result.files).toEqual(result.files);
  });
});
