import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { localModule } from './local-module';

const ENDPOINT = `kind: io.statefun.endpoints.v2/http
spec:
  functions: example/*
  urlPathTemplate: http://examples-functions:8000/statefun
`;
const KAFKA = `kind: io.statefun.kafka.v1/ingress
spec:
  id: example/in
  address: kafka:9092
  topics:
    - topic: names
      valueType: example/Name
      targets: [example/greeter]
---
kind: io.statefun.kafka.v1/egress
spec:
  id: example/out
  address: kafka:9092
`;

describe('the module a local Flink StateFun job loads', () => {
  it('merges the files and points endpoints and Kafka at this machine', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyflow-local-module-'));
    await writeFile(join(dir, 'a.yaml'), ENDPOINT);
    await writeFile(join(dir, 'b.yaml'), KAFKA);
    const module = await localModule([join(dir, 'a.yaml'), join(dir, 'b.yaml')], { endpoint: 'http://127.0.0.1:9/statefun', kafka: '127.0.0.1:19092' });
    const documents = parseAllDocuments(module.yaml).map((document) => document.toJS() as { kind: string; spec: Record<string, unknown> });
    expect(documents.map((document) => [document.kind, document.spec['urlPathTemplate'] ?? document.spec['address']])).toEqual([
      ['io.statefun.endpoints.v2/http', 'http://127.0.0.1:9/statefun'],
      ['io.statefun.kafka.v1/ingress', '127.0.0.1:19092'],
      ['io.statefun.kafka.v1/egress', '127.0.0.1:19092'],
    ]);
    expect(module).toMatchObject({ ingressTopics: ['names'], usesKafka: true });
  });

  it('leaves addresses alone without targets, and names the file that is not YAML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyflow-local-module-'));
    await writeFile(join(dir, 'a.yaml'), ENDPOINT);
    await writeFile(join(dir, 'bad.yaml'), 'kind: [\n');
    expect((await localModule([join(dir, 'a.yaml')], { endpoint: undefined, kafka: undefined })).yaml).toContain('http://examples-functions:8000/statefun');
    await expect(localModule([join(dir, 'bad.yaml')], { endpoint: undefined, kafka: undefined })).rejects.toMatchObject({ code: 'KF_MODULE_INVALID' });
  });
});
