import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { StatefulFunction, Types, egressMessage, serveHttp, silentLogger, type Context, type FunctionClass, type Message } from '@keyflow/sdk';
import type { HttpIngressConfig, ModuleConfig } from '../../src/config/module-config';
import { parseModule } from '../../src/module/module-loader';
import type { HttpIngress } from '../../src/ingress/http-ingress';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { CapturingEgress } from '../../src/test-support/capturing-egress';
import { emptyModule } from '../../src/test-support/empty-module';
import { httpIngressConfig } from '../../src/test-support/http-ingress-config';
import { httpSend } from '../../src/test-support/http-post';
import { withTraceParent } from '../../src/tracing/trace-parent';
import { OtlpReceiver, type ReceivedSpan } from '../../src/test-support/otlp-receiver';

// Traces across messages, exported over OTLP/HTTP (protobuf) to a real receiver: an HTTP request
// fans out from one function to two others, each of which writes an egress record (one of them
// after a delayed message). The spans must form that tree, under the client's own span.

@StatefulFunction('tr/order')
class Order {
  apply(ctx: Context<Order>, msg: Message): void {
    ctx.send({ target: { typename: 'tr/stock', id: ctx.self.id }, value: msg.asString() });
    ctx.send({ target: { typename: 'tr/mail', id: ctx.self.id }, value: msg.asString() });
  }
}

@StatefulFunction('tr/stock')
class Stock {
  apply(ctx: Context<Stock>, msg: Message): void {
    ctx.send(egressMessage({ egress: 'tr/out', value: `stock:${msg.asString()}`, type: Types.string }));
  }
}

@StatefulFunction('tr/mail')
class Mail {
  apply(ctx: Context<Mail>, msg: Message): void {
    if (msg.asString() === 'later') {
      ctx.send(egressMessage({ egress: 'tr/out', value: 'mail', type: Types.string }));
      return;
    }
    ctx.sendAfter(20, { target: ctx.self, value: 'later' });
  }
}

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

const ingress = (): HttpIngressConfig => httpIngressConfig('tr/http', [{ path: '/orders', valueType: Types.string.typename, targets: ['tr/order'] }]);

describe('OpenTelemetry traces across messages', () => {
  let dir: string;
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-tracing-'));
    receiver = await OtlpReceiver.start();
  });
  afterEach(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the fan-out for `requests` (headers of each), then stops the runtime (which exports every span). */
  async function run(sampleRatio: number, requests: Record<string, string>[]): Promise<{ responses: Record<string, string | undefined>[] }> {
    const out = new CapturingEgress('tr/out');
    const runtime = await KeyflowRuntime.start({
      module: emptyModule({ httpIngresses: [ingress()] }),
      stateDir: dir,
      functions: [Order, Stock, Mail],
      egresses: [out],
      logger: silentLogger,
      checkpointIntervalMs: 0,
      tracing: { otlpEndpoint: receiver.endpoint, sampleRatio },
    });
    const responses: Record<string, string | undefined>[] = [];
    try {
      const port = (runtime.ingresses[0] as HttpIngress).address.port;
      for (const [index, headers] of requests.entries()) {
        const reply = await httpSend(`http://127.0.0.1:${port}/orders/o${index}`, { body: `o${index}`, headers });
        expect(reply.status).toBe(202);
        responses.push({ traceparent: reply.headers['traceparent'] as string | undefined });
      }
      while (out.written.length < requests.length * 2) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await runtime.stop();
    }
    return { responses };
  }

  const tree = (spans: readonly ReceivedSpan[], traceId: string, parentSpanId: string): unknown[] =>
    spans
      .filter((span) => span.traceId === traceId && span.parentSpanId === parentSpanId)
      .map((span) => ({ name: span.name, ...(span.events.length > 0 ? { events: span.events } : {}), children: tree(spans, traceId, span.spanId) }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));

  it("forms the fan-out's tree under the client's span: ingress, each invocation, the delayed message's, each egress record as an event", async () => {
    const { responses } = await run(1, [{ traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` }]);
    expect(tree(receiver.spans, CLIENT_TRACE, CLIENT_SPAN)).toEqual([
      {
        name: 'POST /orders',
        children: [
          {
            name: 'invoke tr/order',
            children: [
              { name: 'invoke tr/mail', children: [{ name: 'invoke tr/mail', events: ['egress tr/out'], children: [] }] },
              { name: 'invoke tr/stock', events: ['egress tr/out'], children: [] },
            ],
          },
        ],
      },
    ]);
    const ingressSpan = receiver.spans.find((span) => span.name === 'POST /orders');
    expect(responses[0]?.traceparent).toBe(`00-${CLIENT_TRACE}-${ingressSpan?.spanId}-01`);
    expect(receiver.spans.find((span) => span.name === 'invoke tr/order')?.attributes['keyflow.address']).toBe('tr/order/o0');
  });

  it('starts a trace for a request without one as the sample ratio says, and follows a client that did not sample', async () => {
    await run(1, [{}]);
    const root = receiver.spans.find((span) => span.name === 'POST /orders' && span.parentSpanId === '');
    expect(root).toBeDefined();
    expect(receiver.spans.filter((span) => span.traceId === root?.traceId)).toHaveLength(5);

    receiver.spans.length = 0;
    await rm(dir, { recursive: true, force: true });
    const { responses } = await run(0, [{}, { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-00` }]);
    expect(receiver.spans).toEqual([]);
    expect(responses.map((response) => response.traceparent)).toEqual([undefined, undefined]);
  });

  /** Four messages to tr/stock/s1 queued in one step (one batch without tracing); the third is in a recorded trace. */
  async function batchOfFour(module: ModuleConfig, functions: FunctionClass[]): Promise<{ outputs: string[]; invoke: ReceivedSpan[] }> {
    const out = new CapturingEgress('tr/out');
    const runtime = await KeyflowRuntime.start({ module, stateDir: dir, functions, egresses: [out], logger: silentLogger, checkpointIntervalMs: 0, tracing: { otlpEndpoint: receiver.endpoint } });
    const message = (text: string, traced: boolean) => ({
      target: { namespace: 'tr', type: 'stock', id: 's1' },
      argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(text) },
      caller: undefined,
      ...(traced ? { headers: withTraceParent(undefined, { traceId: CLIENT_TRACE, spanId: CLIENT_SPAN, sampled: true }) } : {}),
    });
    for (const [text, traced] of [['a', false], ['b', false], ['c', true], ['d', false]] as const) runtime.send(message(text, traced));
    while (out.written.length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    await runtime.stop();
    return {
      outputs: out.written.map((record) => Types.string.deserialize(record.value.value)),
      invoke: receiver.spans.filter((span) => span.name === 'invoke tr/stock'),
    };
  }

  it("tells a batch's effects apart by invocation with Keyflow's in-process sdk: the traced message's span holds its effect only", async () => {
    const { outputs, invoke } = await batchOfFour(emptyModule(), [Order, Stock, Mail]);
    expect(outputs).toEqual(['stock:a', 'stock:b', 'stock:c', 'stock:d']);
    // One batch of four, one span: the third invocation's, with the one egress record it sent.
    expect(invoke.map((span) => [span.parentSpanId, span.attributes['keyflow.batch.size'], span.events])).toEqual([[CLIENT_SPAN, '4', ['egress tr/out']]]);
  });

  it('sends a message in a recorded trace to a remote endpoint in a batch of its own, whose span is then its alone', async () => {
    const service = serveHttp([Stock], { port: 0, host: '127.0.0.1', logger: silentLogger });
    try {
      const { port } = (await service.listening) as AddressInfo;
      const module = parseModule(`kind: io.statefun.endpoints.v2/http\nspec:\n  functions: tr/*\n  urlPathTemplate: http://127.0.0.1:${port}/statefun\n`, join(dir, 'module.yaml'));
      const { outputs, invoke } = await batchOfFour(module, []);
      expect(outputs).toEqual(['stock:a', 'stock:b', 'stock:c', 'stock:d']);
      expect(invoke.map((span) => [span.parentSpanId, span.attributes['keyflow.batch.size'], span.events])).toEqual([[CLIENT_SPAN, '1', ['egress tr/out']]]);
    } finally {
      await service.close();
    }
  });
});
