import { SpanKind, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { silentLogger, type Logger } from '@keyflow/sdk';
import { freePort, OtlpReceiver } from '../test-support/shared';
import { OtlpHttpSender } from './otlp-http-sender';
import { OtlpSpanProcessor, type SpanSender } from './otlp-span-processor';

/** A sender that holds each export until the test lets it go. */
class HeldSender implements SpanSender {
  readonly bodies: Uint8Array[] = [];
  readonly #release: (() => void)[] = [];

  post(body: Uint8Array): Promise<void> {
    this.bodies.push(body);
    return new Promise((resolve) => this.#release.push(resolve));
  }

  releaseAll(): void {
    for (const release of this.#release.splice(0)) release();
  }
}

function warnings(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (message: string) => void messages.push(message), child: () => logger };
  return { logger, messages };
}

function tracerFor(processor: OtlpSpanProcessor): { tracer: Tracer; provider: TracerProvider } {
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'test' }), sampler: new AlwaysOnSampler(), spanProcessors: [processor] });
  return { tracer: provider.getTracer('test'), provider };
}

describe('OtlpSpanProcessor', () => {
  it('exports every ended span to a real OTLP receiver, in batches, by the time forceFlush resolves', async () => {
    const receiver = await OtlpReceiver.start();
    try {
      const processor = new OtlpSpanProcessor(new OtlpHttpSender(new URL(receiver.endpoint), silentLogger), silentLogger, { batchSpans: 4, maxWaitingSpans: 100, delayMs: 60_000 });
      const { tracer } = tracerFor(processor);
      for (let index = 0; index < 10; index++) tracer.startSpan(`span ${index}`, { kind: SpanKind.INTERNAL, attributes: { index: String(index) } }).end();
      await processor.forceFlush();
      expect(receiver.spans.map((span) => span.name)).toEqual(Array.from({ length: 10 }, (_, index) => `span ${index}`));
      expect(receiver.spans[3]?.attributes).toEqual({ index: '3' });
    } finally {
      await receiver.close();
    }
  });

  it('sends a batch that is not full once its delay has passed', async () => {
    const sender = new HeldSender();
    const { tracer } = tracerFor(new OtlpSpanProcessor(sender, silentLogger, { batchSpans: 100, maxWaitingSpans: 100, delayMs: 20 }));
    tracer.startSpan('alone').end();
    expect(sender.bodies).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sender.bodies).toHaveLength(1);
    sender.releaseAll();
  });

  it('keeps one export in flight and drops spans beyond the waiting limit, warning once until the backlog clears', async () => {
    const sender = new HeldSender();
    const { logger, messages } = warnings();
    const processor = new OtlpSpanProcessor(sender, logger, { batchSpans: 2, maxWaitingSpans: 4, delayMs: 60_000 });
    const { tracer } = tracerFor(processor);
    for (let index = 0; index < 7; index++) tracer.startSpan(`span ${index}`).end();
    expect(sender.bodies).toHaveLength(1); // the second full batch waits for the first
    expect(messages).toEqual(['dropping spans: the OTLP endpoint does not take them as fast as they come']);

    sender.releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sender.bodies).toHaveLength(2);
    sender.releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    for (let index = 0; index < 5; index++) tracer.startSpan(`later ${index}`).end();
    expect(messages).toHaveLength(2); // a new episode of dropping warns again
    sender.releaseAll();
  });

  it('exports nothing after shutdown', async () => {
    const sender = new HeldSender();
    const processor = new OtlpSpanProcessor(sender, silentLogger, { batchSpans: 1, maxWaitingSpans: 10, delayMs: 60_000 });
    const { tracer } = tracerFor(processor);
    await processor.shutdown();
    tracer.startSpan('too late').end();
    expect(sender.bodies).toHaveLength(0);
  });
});

describe('OtlpHttpSender', () => {
  it('settles when the endpoint cannot be reached, with one warning until an export succeeds', async () => {
    const { logger, messages } = warnings();
    const sender = new OtlpHttpSender(new URL(`http://127.0.0.1:${await freePort()}/v1/traces`), logger);
    await sender.post(new Uint8Array());
    await sender.post(new Uint8Array());
    expect(messages).toEqual(['could not export traces; they are dropped until the endpoint answers']);
  });
});
