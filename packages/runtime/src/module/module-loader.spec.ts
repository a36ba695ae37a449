import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { ModuleConfig } from '../config/module-config';
import type { EgressKind, IngressKind } from './kinds/kind';
import { loadModule, parseModule } from './module-loader';
import { CapturingEgress } from '../test-support/capturing-egress';
import { FakeIngress } from '../test-support/fake-ingress';
import { fakeKafkaEgress, fakeKafkaIngress, fakeKafkaKinds } from '../test-support/fake-kafka-kinds';
import {
  FIXTURES,
  fixturePath,
  moduleErrorOf,
  parseFixture,
  problemLines,
  yaml,
} from '../test-support/module-test-helpers';

const at = (...segments: string[]): string => path.join(FIXTURES, ...segments);

describe('parseModule: a valid module with every kind', () => {
  const file = fixturePath('all-kinds.yaml');
  let module: ModuleConfig;
  beforeAll(() => {
    module = parseFixture('all-kinds.yaml');
  });

  it('lists the file and sorts documents by role, in document order', () => {
    expect(module.files).toEqual([file]);
    expect(module.endpoints.map((e) => e.source.line)).toEqual([2, 22, 30, 48]);
    expect(module.sidecars.map((s) => s.source.line)).toEqual([36]);
    expect(module.httpIngresses.map((i) => i.source.line)).toEqual([53]);
    expect(module.fileEgresses.map((e) => e.source.line)).toEqual([70, 76]);
    expect(module.components.map((c) => `${c.source.line} ${c.role}`)).toEqual(
      ['2 endpoint', '22 endpoint', '30 endpoint', '36 sidecar', '48 endpoint', '53 ingress', '70 egress', '76 egress'],
    );
  });

  it('reads an io.statefun.endpoints.v2/http endpoint with every transport setting', () => {
    expect(module.endpoints[0]).toEqual({
      kind: 'http',
      source: { file, line: 2 },
      functions: { kind: 'namespace', namespace: 'example' },
      urlPathTemplate: 'https://functions.example.com:8443/statefun/{function.name}',
      maxNumBatchRequests: 500,
      transport: {
        callMs: 120_000,
        connectMs: 20_000,
        readMs: 30_000,
        writeMs: 45_000,
        poolSize: 64,
        poolTtlMs: 30_000,
        payloadMaxBytes: 1_048_576,
        tls: {
          caFile: at('certs', 'ca.pem'),
          certFile: at('certs', 'client.pem'),
          keyFile: at('certs', 'client.key'),
          rejectUnauthorized: false,
        },
      },
    });
  });

  it('reads StateFun v1 endpoints, whose timeouts sit directly under spec', () => {
    expect(module.endpoints[1]).toMatchObject({
      kind: 'http',
      functions: { kind: 'function', typename: 'legacy/greeter' },
      urlPathTemplate: 'http://legacy:8000/statefun',
      transport: { callMs: 60_000, connectMs: 10_000, readMs: 20_000, writeMs: 60_000, tls: undefined },
    });
  });

  it('reads an embedded endpoint with its module path made absolute', () => {
    expect(module.endpoints[2]).toEqual({
      kind: 'embedded',
      source: { file, line: 30 },
      functions: { kind: 'namespace', namespace: 'local' },
      modulePath: at('dist', 'functions.js'),
      maxNumBatchRequests: 10,
    });
  });

  it('reads a sidecar with relative paths resolved next to the module file', () => {
    expect(module.sidecars[0]).toEqual({
      kind: 'sidecar',
      source: { file, line: 36 },
      id: 'colocated-fns',
      command: ['node', 'dist/serve.js', '--socket', 'run/fns.sock'],
      cwd: at('functions'),
      env: { LOG_LEVEL: 'debug', PORT: '8081' },
      socketPath: at('functions', 'run', 'fns.sock'),
      startTimeoutMs: 10_000,
      restartBackoffMs: 250,
    });
  });

  it('rewrites a relative http+unix socket path to an absolute one', () => {
    expect(module.endpoints[3]?.kind === 'http' && module.endpoints[3].urlPathTemplate).toBe(
      `http+unix://${at('functions', 'run', 'fns.sock')}/statefun`,
    );
  });

  it('reads an HTTP ingress with its routes', () => {
    expect(module.httpIngresses[0]).toEqual({
      kind: 'http-ingress',
      source: { file, line: 53 },
      id: 'example/http-in',
      host: '0.0.0.0',
      port: 8090,
      routes: [
        { path: '/greet', valueType: 'io.statefun.types/string', targets: ['example/greeter'] },
        { path: '/carts/add', valueType: 'example/AddToCart', targets: ['example/cart', 'example/audit'] },
      ],
      idempotencyWindowMs: 3_600_000,
      maxBodyBytes: 65_536,
      replyRetentionMs: 5 * 60_000,
      maxKeptReplies: 100_000,
    });
  });

  it('reads file egresses, with the delivery semantic as a string or as { type }', () => {
    expect(module.fileEgresses).toEqual([
      {
        kind: 'file-egress',
        source: { file, line: 70 },
        id: 'example/greetings',
        path: at('out', 'greetings.jsonl'),
        deliverySemantic: 'exactly-once',
      },
      {
        kind: 'file-egress',
        source: { file, line: 76 },
        id: 'example/audit-log',
        path: '/var/log/keyflow/audit.jsonl',
        deliverySemantic: 'none',
      },
    ]);
  });
});

describe('parseModule: defaults', () => {
  const file = fixturePath('defaults.yaml');
  const module = parseFixture('defaults.yaml');

  it('gives an http endpoint StateFun’s batch size and the transport defaults', () => {
    expect(module.endpoints[0]).toEqual({
      kind: 'http',
      source: { file, line: 2 },
      functions: { kind: 'function', typename: 'example/greeter' },
      urlPathTemplate: 'http://localhost:8000/statefun',
      maxNumBatchRequests: 1000,
      transport: {
        callMs: 60_000,
        connectMs: 10_000,
        readMs: 60_000,
        writeMs: 60_000,
        poolSize: 1024,
        poolTtlMs: 15_000,
        payloadMaxBytes: 32 * 1024 * 1024,
        tls: undefined,
      },
    });
  });

  it('gives an embedded endpoint the default batch size', () => {
    expect(module.endpoints[1]).toMatchObject({ kind: 'embedded', modulePath: at('functions.ts'), maxNumBatchRequests: 1000 });
  });

  it('splits a sidecar command string on whitespace and defaults cwd to the module folder', () => {
    expect(module.sidecars[0]).toEqual({
      kind: 'sidecar',
      source: { file, line: 12 },
      id: 'fns',
      command: ['node', 'serve.js', '--port', '8000'],
      cwd: FIXTURES,
      env: {},
      socketPath: undefined,
      startTimeoutMs: 30_000,
      restartBackoffMs: 500,
    });
  });

  it('gives an HTTP ingress localhost, a 24 h idempotency window, a 4 MiB body limit and replies kept 5 min', () => {
    expect(module.httpIngresses[0]).toMatchObject({
      host: '127.0.0.1',
      port: 8090,
      idempotencyWindowMs: 24 * 3_600_000,
      maxBodyBytes: 4 * 1024 * 1024,
      replyRetentionMs: 5 * 60_000,
      maxKeptReplies: 100_000,
    });
  });

  it('gives a file egress at-least-once delivery', () => {
    expect(module.fileEgresses[0]).toMatchObject({ path: at('out.jsonl'), deliverySemantic: 'at-least-once' });
  });

  it('skips empty documents, and an empty file is an empty module', () => {
    expect(module.endpoints.length + module.sidecars.length + module.httpIngresses.length + module.fileEgresses.length).toBe(5);
    expect(parseModule('', '/m/empty.yaml')).toEqual({
      files: ['/m/empty.yaml'],
      endpoints: [],
      sidecars: [],
      httpIngresses: [],
      fileEgresses: [],
      components: [],
    });
    expect(parseModule('---\n# nothing\n---\n~\n', '/m/empty.yaml').endpoints).toEqual([]);
  });
});

describe('parseModule: a module written for StateFun', () => {
  const file = fixturePath('statefun-module.yaml');

  it('runs unchanged once the Kafka kinds are registered', () => {
    const module = parseFixture('statefun-module.yaml', { kinds: fakeKafkaKinds });
    expect(module.endpoints).toEqual([
      expect.objectContaining({
        functions: { kind: 'namespace', namespace: 'shop' },
        urlPathTemplate: 'http://shop-functions:8000/statefun/{function.name}',
        transport: expect.objectContaining({ callMs: 60_000, connectMs: 15_000, poolTtlMs: 20_000, payloadMaxBytes: 8_388_608 }) as unknown,
      }),
    ]);
    expect(module.components.filter((c) => c.role !== 'endpoint')).toEqual([
      {
        kind: 'io.statefun.kafka.v1/ingress',
        source: { file, line: 13 },
        role: 'ingress',
        config: {
          id: 'shop/orders',
          address: 'kafka:9092',
          consumerGroupId: 'shop',
          startupPosition: 'earliest',
          startupDate: undefined,
          startupOffsets: undefined,
          topics: [{ topic: 'orders', valueType: 'shop/Order', targets: ['shop/order-handler'] }],
          properties: { 'max.poll.records': '100' },
        },
      },
      {
        kind: 'io.statefun.kafka.v1/egress',
        source: { file, line: 28 },
        role: 'egress',
        config: {
          id: 'shop/confirmations',
          address: 'kafka:9092',
          deliverySemantic: 'exactly-once',
          transactionTimeoutMs: 900_000,
          properties: { 'transaction.timeout.ms': '900000' },
        },
      },
    ]);
  });

  it('refuses the Kafka kinds with KF_MODULE_UNKNOWN_KIND, naming @keyflow/connectors, when no package registers them', () => {
    const error = moduleErrorOf(() => parseFixture('statefun-module.yaml'));
    expect(error.code).toBe(RuntimeErrorCodes.MODULE_UNKNOWN_KIND);
    expect(problemLines(error)).toEqual(['statefun-module.yaml:13 kind', 'statefun-module.yaml:28 kind']);
    expect(error.message).toContain(`${file}:13:7: kind "io.statefun.kafka.v1/ingress"`);
    expect(error.message).toContain('@keyflow/connectors');
  });

  it('reads StateFun’s OkHttp transport with nested timeouts and its TLS file keys', () => {
    const [endpoint] = parseFixture('okhttp-transport.yaml').endpoints;
    expect(endpoint?.kind === 'http' && endpoint.transport).toEqual({
      callMs: 120_000,
      connectMs: 20_000,
      readMs: 10_000,
      writeMs: 10_000,
      poolSize: 1024,
      poolTtlMs: 15_000,
      payloadMaxBytes: 32 * 1024 * 1024,
      tls: {
        caFile: path.join(os.homedir(), 'trusted-cas.pem'),
        certFile: at('certs', 'client.crt'),
        keyFile: at('certs', 'client.key'),
        rejectUnauthorized: true,
      },
    });
  });
});

describe('parseModule: kinds of packages', () => {
  const doc = yaml(
    'kind: example.io/thing', // 1
    'spec:', // 2
    '  id: example/thing', // 3
    '  size: 3', // 4
    '  colour: red', // 5
  );

  it('hands the spec to the kind and keeps what it returns as config', () => {
    const thing: EgressKind<{ id: string; size: number }> = {
      name: 'example.io/thing',
      role: 'egress',
      readSpec: (spec) => {
        spec.ignore('colour');
        return { id: spec.typename('id'), size: spec.int('size', { min: 1 }) };
      },
      create: (config) => new CapturingEgress(config.id),
    };
    expect(parseModule(doc, '/m/module.yaml', { kinds: [thing] }).components).toEqual([
      { kind: 'example.io/thing', source: { file: '/m/module.yaml', line: 1 }, role: 'egress', config: { id: 'example/thing', size: 3 } },
    ]);
  });

  it('reports the keys a kind did not read as unknown', () => {
    const thing: EgressKind<string> = { name: 'example.io/thing', role: 'egress', readSpec: (spec) => spec.typename('id'), create: (id) => new CapturingEgress(id) };
    const error = moduleErrorOf(() => parseModule(doc, '/m/module.yaml', { kinds: [thing] }));
    expect(error.code).toBe(RuntimeErrorCodes.MODULE_INVALID);
    expect(problemLines(error)).toEqual(['module.yaml:4 spec.size', 'module.yaml:5 spec.colour']);
  });

  it('turns a kind that throws into a problem at its spec', () => {
    const broken: IngressKind = {
      name: 'example.io/thing',
      role: 'ingress',
      readSpec: () => {
        throw new Error('boom');
      },
      create: () => new FakeIngress('example/thing'),
    };
    const error = moduleErrorOf(() => parseModule(doc, '/m/module.yaml', { kinds: [broken] }));
    expect(error.message).toContain('/m/module.yaml:2:1: spec made the example.io/thing kind throw: boom');
  });

  it('checks the ids of package kinds for duplicates within their role', () => {
    const text = yaml(
      'kind: io.statefun.kafka.v1/egress', // 1
      'spec: { id: shop/out, address: "kafka:9092" }', // 2
      '---', // 3
      'kind: io.keyflow.file.v1/egress', // 4
      'spec: { id: shop/out, path: out.jsonl }', // 5
    );
    const error = moduleErrorOf(() => parseModule(text, '/m/module.yaml', { kinds: [fakeKafkaEgress] }));
    expect(problemLines(error)).toEqual(['module.yaml:5 spec.id']);
    expect(error.message).toContain('is already the id of the egress at line 2');
  });

  it('refuses a kind registered twice, or one named like a built-in kind', () => {
    expect(() => parseModule('', '/m/m.yaml', { kinds: [fakeKafkaIngress, fakeKafkaIngress] })).toThrow(KeyflowError);
    const http: IngressKind = { name: 'io.statefun.endpoints.v2/http', role: 'ingress', readSpec: () => null, create: () => new FakeIngress('x/y') };
    expect(() => parseModule('', '/m/m.yaml', { kinds: [http] })).toThrow(/handles itself/);
  });
});

describe('loadModule', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-module-'));
    fs.mkdirSync(path.join(dir, 'conf'));
    fs.writeFileSync(
      path.join(dir, 'conf', 'module.yaml'),
      yaml('kind: io.keyflow.endpoints.v1/embedded', 'spec:', '  functions: example/*', '  module: ../fns/index.js'),
    );
    fs.writeFileSync(
      path.join(dir, 'io.yaml'),
      yaml('kind: io.keyflow.file.v1/egress', 'spec:', '  id: example/out', '  path: out/egress.jsonl'),
    );
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads several files into one module, each resolving paths next to itself', async () => {
    const module = await loadModule([path.join(dir, 'conf', 'module.yaml'), path.join(dir, 'io.yaml')]);
    expect(module.files).toEqual([path.join(dir, 'conf', 'module.yaml'), path.join(dir, 'io.yaml')]);
    expect(module.endpoints[0]).toMatchObject({ modulePath: path.join(dir, 'fns', 'index.js') });
    expect(module.fileEgresses[0]).toMatchObject({ path: path.join(dir, 'out', 'egress.jsonl'), source: { file: path.join(dir, 'io.yaml'), line: 1 } });
  });

  it('accepts a single path and makes it absolute', async () => {
    const relative = path.relative(process.cwd(), path.join(dir, 'io.yaml'));
    expect((await loadModule(relative)).files).toEqual([path.join(dir, 'io.yaml')]);
  });

  it('reports duplicates across files with the other file named', async () => {
    const files = [fixturePath('invalid/other-file.yaml'), fixturePath('all-kinds.yaml'), path.join(dir, 'io.yaml')];
    const error = await loadModule(files).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KeyflowError);
    expect((error as KeyflowError).code).toBe(RuntimeErrorCodes.MODULE_INVALID);
    expect((error as KeyflowError).message).toContain(
      `${path.join(dir, 'io.yaml')}:3:7: spec.id "example/out" is already the id of the egress at ${fixturePath('invalid/other-file.yaml')}:4`,
    );
  });

  it('throws KF_MODULE_UNREADABLE naming every file that cannot be read', async () => {
    const missing = path.join(dir, 'missing.yaml');
    await expect(loadModule([missing, path.join(dir, 'io.yaml'), dir])).rejects.toMatchObject({
      code: RuntimeErrorCodes.MODULE_UNREADABLE,
      message: expect.stringMatching(new RegExp(`${missing}: .*ENOENT[\\s\\S]*${dir}: .*EISDIR`)) as unknown,
    });
  });

  it('throws KF_MODULE_UNREADABLE when no file is given', async () => {
    await expect(loadModule([])).rejects.toMatchObject({ code: RuntimeErrorCodes.MODULE_UNREADABLE });
  });
});
