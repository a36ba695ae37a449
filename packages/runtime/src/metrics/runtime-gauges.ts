import { Counter, Gauge, type Registry } from 'prom-client';
import type { EndpointStats, RuntimeSources } from './runtime-sources';

/**
 * The metric families read from the runtime when it is scraped: queues, mailboxes,
 * backpressure, delayed messages, exactly-once egress waiting for a checkpoint, egress records
 * held for slow sinks, the age of the
 * last checkpoint and the endpoints' connections, errors and retries.
 */
export function registerRuntimeGauges(registry: Registry, sources: RuntimeSources, lastCheckpointAt: () => number): void {
  const registers = [registry];
  new Gauge({
    name: 'keyflow_queued_messages',
    help: 'Messages queued or in flight over all mailboxes (ingresses pause at the runtime\'s maxQueuedMessages).',
    registers,
    collect() {
      this.set(sources.queuedMessages());
    },
  });
  new Gauge({
    name: 'keyflow_active_addresses',
    help: 'Addresses with messages queued or in flight.',
    registers,
    collect() {
      this.set(sources.activeAddresses());
    },
  });
  new Gauge({
    name: 'keyflow_backpressure_paused',
    help: '1 while the dispatcher asks ingresses to pause, else 0.',
    registers,
    collect() {
      this.set(sources.paused() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'keyflow_function_queued_messages',
    help: 'Messages queued or in flight for a function type.',
    labelNames: ['function_type'],
    registers,
    collect() {
      this.reset();
      for (const [functionType, depth] of sources.mailboxDepths()) this.labels(functionType).set(depth.queued);
    },
  });
  new Gauge({
    name: 'keyflow_function_mailbox_depth_max_messages',
    help: 'The deepest mailbox of a function type: the most messages queued or in flight at one of its addresses.',
    labelNames: ['function_type'],
    registers,
    collect() {
      this.reset();
      for (const [functionType, depth] of sources.mailboxDepths()) this.labels(functionType).set(depth.deepest);
    },
  });
  new Gauge({
    name: 'keyflow_delayed_messages_pending',
    help: 'Delayed messages not yet delivered.',
    registers,
    collect() {
      this.set(sources.pendingDelayedMessages());
    },
  });
  new Gauge({
    name: 'keyflow_parked_messages',
    help: 'Messages parked after their invocation kept failing, waiting for keyflow messages retry or drop.',
    registers,
    collect() {
      this.set(sources.parkedMessages());
    },
  });
  new Gauge({
    name: 'keyflow_egress_exactly_once_pending_records',
    help: 'Records of an exactly-once egress waiting for the next checkpoint to be delivered.',
    labelNames: ['egress'],
    registers,
    collect() {
      this.reset();
      for (const [egress, records] of sources.pendingExactlyOnceEgress()) this.labels(egress).set(records);
    },
  });
  new Gauge({
    name: 'keyflow_egress_staged_records',
    help: 'Egress records held for their sinks (not yet written; exactly-once: not yet committed); at --max-staged-egress-records ingresses pause.',
    registers,
    collect() {
      this.set(sources.egressBacklog().records);
    },
  });
  new Gauge({
    name: 'keyflow_egress_staged_bytes',
    help: 'Bytes of the egress records held for their sinks; at --max-staged-egress-bytes ingresses pause.',
    registers,
    collect() {
      this.set(sources.egressBacklog().bytes);
    },
  });
  new Gauge({
    name: 'keyflow_egress_backpressure_paused',
    help: '1 while held egress records are over their bound (no batch is sent and ingresses pause), else 0.',
    registers,
    collect() {
      this.set(sources.egressBacklog().full ? 1 : 0);
    },
  });
  new Gauge({
    name: 'keyflow_checkpoint_last_completed_age_seconds',
    help: 'Seconds since the last checkpoint completed (before the first one: since the metrics were created, at start).',
    registers,
    collect() {
      this.set((Date.now() - lastCheckpointAt()) / 1000);
    },
  });
  new Gauge({
    name: 'keyflow_endpoint_open_connections',
    help: 'Connections a remote endpoint holds open, idle or in use.',
    labelNames: ['endpoint'],
    registers,
    collect() {
      this.reset();
      for (const [endpoint, stats] of sources.endpointStats()) this.labels(endpoint).set(stats.openConnections);
    },
  });
  endpointCounter(registry, sources, 'keyflow_endpoint_errors_total', 'Failed attempts to call a remote endpoint (connection errors, timeouts, error statuses, undecodable answers).', (stats) => stats.failedAttempts);
  endpointCounter(registry, sources, 'keyflow_endpoint_retries_total', 'Calls to a remote endpoint sent again after a transient failure.', (stats) => stats.retries);
}

/** A counter that follows a total an endpoint keeps itself. */
function endpointCounter(
  registry: Registry,
  sources: RuntimeSources,
  name: string,
  help: string,
  total: (stats: EndpointStats) => number,
): void {
  new Counter({
    name,
    help,
    labelNames: ['endpoint'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [endpoint, stats] of sources.endpointStats()) this.labels(endpoint).inc(total(stats));
    },
  });
}
