import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveHttp, silentLogger, type FunctionHttpServer } from '@keyflow/sdk';
import { AdminServer } from '../../src/admin/admin-server';
import { FolderCheckpointStorage } from '../../src/checkpoint/folder-storage';
import { parseModule } from '../../src/module/module-loader';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { freePort } from '../../src/test-support/raw-server';
import { CapturingEgress } from '../../src/test-support/capturing-egress';
import { httpSend } from '../../src/test-support/http-post';
import { functions } from '../fixtures/mode-test-functions';
import { scrape, type Scrape } from '../support/prometheus-scrape';
import { stringValue } from '@keyflow/sdk/test-support';

// A runtime with a remote function service over real HTTP, an HTTP ingress and checkpoints in
// a folder, scraped over its admin port like Prometheus does; the scrape is read with a
// Prometheus text parser, and the values must move with the workload.

const IDS = ['ann', 'bob', 'cy'];
const WORDS = ['w1', 'w2', 'w3', 'w4'];
const FUNCTION = { function_type: 'it/counter' };

describe('GET /metrics (Prometheus)', () => {
  let dir: string;
  let service: FunctionHttpServer;
  let runtime: KeyflowRuntime;
  let admin: AdminServer;
  let adminUrl: string;
  let endpointTemplate: string;
  let ingressPort: number;
  const out = new CapturingEgress('it/out');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-metrics-'));
    service = serveHttp(functions, { port: 0, host: '127.0.0.1', logger: silentLogger });
    const { port } = (await service.listening) as AddressInfo;
    endpointTemplate = `http://127.0.0.1:${port}/statefun/{function.name}`;
    ingressPort = await freePort();
    const module = parseModule(
      `kind: io.statefun.endpoints.v2/http
spec:
  functions: it/*
  urlPathTemplate: ${endpointTemplate}
---
kind: io.keyflow.http.v1/ingress
spec:
  id: it/http
  port: ${ingressPort}
  routes:
    - { path: /counter, valueType: io.statefun.types/string, targets: [it/counter] }
`,
      join(dir, 'module.yaml'),
    );
    runtime = await KeyflowRuntime.start({
      module,
      stateDir: join(dir, 'state'),
      checkpointStorage: new FolderCheckpointStorage(join(dir, 'checkpoints')),
      egresses: [out],
      logger: silentLogger,
      checkpointIntervalMs: 0,
      maxQueuedMessages: 4,
    });
    admin = await AdminServer.start(runtime, 0);
    adminUrl = `http://127.0.0.1:${admin.address.port}`;
  });

  afterAll(async () => {
    await runtime?.stop();
    await admin?.close();
    await service?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the text format with the runtime families, and the values move with a workload', async () => {
    const before = await scrape(adminUrl);
    expect(before.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(before.value('keyflow_ingress_messages_total')).toBeUndefined();
    expect(before.value('keyflow_checkpoint_last_completed_timestamp_seconds')).toBe(0);
    expect(before.value('keyflow_checkpoint_last_completed_age_seconds')).toBeGreaterThan(0);
    expect(before.value('keyflow_restore_duration_seconds')).toBeGreaterThan(0);
    expect(before.family('keyflow_function_batch_duration_seconds').type).toBe('HISTOGRAM');
    expect(before.family('keyflow_ingress_messages_total').type).toBe('COUNTER');
    expect(before.family('keyflow_queued_messages').type).toBe('GAUGE');
    expect(before.families.has('nodejs_eventloop_lag_seconds')).toBe(true);

    // Through the HTTP ingress, one request per message.
    for (const word of WORDS.slice(0, 2)) {
      for (const id of IDS) {
        const reply = await httpSend(`http://127.0.0.1:${ingressPort}/counter/${id}`, { body: word });
        expect(reply.status).toBe(202);
      }
    }
    // A burst over the runtime's bound of 4 queued messages: ingresses are asked to pause.
    for (const word of WORDS.slice(2)) {
      for (const id of IDS) {
        runtime.send({ target: { namespace: 'it', type: 'counter', id }, argument: stringValue(word), caller: undefined });
      }
    }
    await waitFor(() => out.written.length >= IDS.length * (WORDS.length + 1)); // a mirror line per word, a tick per id
    await runtime.whenIdle();
    const checkpoint = await httpSend(`${adminUrl}/checkpoint`);
    expect(checkpoint.status).toBe(200);

    const after = await scrape(adminUrl);
    const messages = IDS.length * WORDS.length;
    expect(after.value('keyflow_ingress_messages_total', { ingress: 'it/http' })).toBe(IDS.length * 2);
    // Each counter got its words and one tick (a delayed message); each mirror one message per word.
    expect(after.value('keyflow_function_messages_in_total', FUNCTION)).toBe(messages + IDS.length);
    expect(after.value('keyflow_function_messages_in_total', { function_type: 'it/mirror' })).toBe(messages);
    expect(after.value('keyflow_function_messages_out_total', { ...FUNCTION, kind: 'message' })).toBe(messages);
    expect(after.value('keyflow_function_messages_out_total', { ...FUNCTION, kind: 'delayed' })).toBe(IDS.length * 3);
    expect(after.value('keyflow_egress_records_total', { egress: 'it/out' })).toBe(out.written.length);
    const batches = after.value('keyflow_function_batch_size_messages', FUNCTION) ?? 0;
    expect(batches).toBeGreaterThan(0);
    expect(after.value('keyflow_function_batch_duration_seconds', FUNCTION)).toBe(batches);
    expect(after.value('keyflow_function_invocation_duration_seconds', FUNCTION)).toBeGreaterThanOrEqual(batches);
    expect(after.value('keyflow_backpressure_pauses_total')).toBeGreaterThanOrEqual(1);
    expect(after.value('keyflow_backpressure_paused')).toBe(0);
    expect(after.value('keyflow_queued_messages')).toBe(0);
    expect(after.value('keyflow_delayed_messages_pending')).toBe(0); // ticks delivered, the late one cancelled
    expect(after.value('keyflow_checkpoints_total')).toBe(1);
    expect(after.value('keyflow_checkpoint_duration_seconds')).toBe(1);
    expect(after.value('keyflow_checkpoint_last_size_bytes')).toBeGreaterThan(0);
    expect(after.value('keyflow_checkpoint_last_completed_age_seconds')).toBeLessThan(before.value('keyflow_checkpoint_last_completed_age_seconds')! + 60);
    expect(after.value('keyflow_checkpoint_last_completed_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(after.value('keyflow_checkpoint_failures_total')).toBe(0);
    expect(after.value('keyflow_endpoint_open_connections', { endpoint: endpointTemplate })).toBeGreaterThanOrEqual(1);
    expect(after.value('keyflow_endpoint_errors_total', { endpoint: endpointTemplate })).toBe(0);
    expect(after.value('keyflow_endpoint_retries_total', { endpoint: endpointTemplate })).toBe(0);
    expectBoundedLabels(after);
  });

  it('keeps the JSON counters under /metrics.json and for Accept: application/json', async () => {
    const json = await httpSend(`${adminUrl}/metrics.json`, { method: 'GET' });
    expect(json.status).toBe(200);
    expect(json.json['invocations']).toEqual(expect.any(Number));
    const negotiated = await httpSend(`${adminUrl}/metrics`, { method: 'GET', headers: { accept: 'application/json' } });
    expect(negotiated.json).toEqual(expect.objectContaining({ invocations: json.json['invocations'] }));
  });
});

// No label value names an address: ids never appear, only types, ingress, egress and endpoint ids.
function expectBoundedLabels(scraped: Scrape): void {
  const values = scraped.labelValues();
  expect(values).toContain('it/counter');
  for (const value of values) expect(IDS.some((id) => value.includes(id))).toBe(false);
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the workload');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
