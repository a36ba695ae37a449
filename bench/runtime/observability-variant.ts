// One variant of bench/runtime/observability-overhead.ts: a long-running process with one
// embedded runtime, as an app runs, that processes a round of messages each time the parent
// asks, and answers with the round's wall time and the CPU time the process spent on it.
//
// argv: <messages per round> <addresses> <state dir> <off | metrics | traces> <OTLP endpoint> <sample ratio>
import { silentLogger } from '@keyflow/sdk';
import { KeyflowRuntime } from '@keyflow/runtime';
import { BenchIngress } from './bench-ingress';
import { functions } from './bench-functions';
import { CountingEgress } from './counting-egress';

/** What the runtime runs with: nothing seen, Prometheus metrics, or metrics and OTLP traces. */
export type VariantKind = 'off' | 'metrics' | 'traces';

/** What the parent sends: process a round, or stop and exit. */
export type VariantCommand = 'round' | 'stop';

/** What the process answers: that it is ready, then one result per round. */
export type VariantReport = { readonly ready: true } | { readonly seconds: number; readonly cpuMicros: number };

async function main(): Promise<void> {
  const [messagesArg, addresses, stateDir, kind, otlpEndpoint, sampleRatio] = process.argv.slice(2) as [string, string, string, VariantKind, string, string];
  const messages = Number(messagesArg);
  const egress = new CountingEgress('bench/out');
  const ingress = new BenchIngress(0, Number(addresses));
  const runtime = await KeyflowRuntime.start({
    module: { files: [], components: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [] },
    stateDir,
    functions,
    ingresses: [ingress],
    egresses: [egress],
    logger: silentLogger,
    checkpointIntervalMs: 1_000,
    metrics: kind !== 'off',
    ...(kind === 'traces' ? { tracing: { otlpEndpoint, sampleRatio: Number(sampleRatio) } } : {}),
  });
  const report = (message: VariantReport): void => void process.send?.(message);
  let processed = 0;

  async function round(): Promise<void> {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    processed += messages;
    ingress.more(messages);
    await egress.until(processed);
    await runtime.checkpoint();
    const cpu = process.cpuUsage(cpuBefore);
    report({ seconds: (performance.now() - started) / 1000, cpuMicros: cpu.user + cpu.system });
  }

  process.on('message', (command: VariantCommand) => {
    if (command === 'round') void round();
    else void runtime.stop().then(() => process.exit(0));
  });
  // Gone with the parent, whatever stopped it.
  process.once('disconnect', () => void runtime.stop().then(() => process.exit(1)));
  report({ ready: true });
}

void main();
