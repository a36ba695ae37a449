import type { CheckpointRecord } from '../metrics/activity-totals';
import type { FunctionPoint } from '../metrics/activity-history';
import type { KeyflowRuntime } from '../runtime/keyflow-runtime';

/** An endpoint with failed attempts in this window counts as failing. */
const FAILING_WINDOW_MS = 30_000;

/** What the console's dashboard shows, in one JSON document (`GET /api/overview`). */
export interface ConsoleOverview {
  readonly at: number;
  readonly runtime: {
    readonly queuedMessages: number;
    readonly activeAddresses: number;
    readonly paused: boolean;
    readonly backpressurePauses: number;
    readonly pendingDelayedMessages: number;
    readonly lastCheckpointId: number;
    readonly failure?: string;
  };
  readonly functions: readonly {
    readonly functionType: string;
    readonly messages: number;
    readonly queued: number;
    readonly addressesQueued: number;
    readonly deepestMailbox: number;
    readonly history: readonly FunctionPoint[];
  }[];
  readonly ingresses: readonly { readonly id: string; readonly messages: number; readonly status: string; readonly reason?: string }[];
  readonly endpoints: readonly {
    readonly endpoint: string;
    readonly health: 'ok' | 'failing';
    readonly failedAttempts?: number;
    readonly retries?: number;
    readonly openConnections?: number;
  }[];
  /** Newest first. */
  readonly checkpoints: readonly CheckpointRecord[];
  readonly egresses: readonly { readonly id: string; readonly deliverySemantic: string; readonly records: number; readonly pendingExactlyOnce: number }[];
}

/** The dashboard's document for `runtime`; undefined when it runs without metrics. */
export function consoleOverview(runtime: KeyflowRuntime): ConsoleOverview | undefined {
  const metrics = runtime.metrics;
  if (metrics === undefined) return undefined;
  const { sources, history } = metrics;
  const totals = metrics.observer.totals;
  const depths = sources.mailboxDepths();
  const stats = runtime.stats();
  const endpointStats = sources.endpointStats();
  const pending = sources.pendingExactlyOnceEgress();
  const failure = runtime.failure?.message;
  return {
    at: Date.now(),
    runtime: {
      queuedMessages: stats.queuedMessages,
      activeAddresses: stats.activeAddresses,
      paused: stats.paused,
      backpressurePauses: totals.backpressurePauses,
      pendingDelayedMessages: stats.pendingTimers,
      lastCheckpointId: stats.lastCheckpointId,
      ...(failure === undefined ? {} : { failure }),
    },
    functions: [...history.functions()].map(([functionType, points]) => {
      const depth = depths.get(functionType);
      return {
        functionType,
        messages: totals.functions.get(functionType)?.messages ?? 0,
        queued: depth?.queued ?? 0,
        addressesQueued: depth?.addresses ?? 0,
        deepestMailbox: depth?.deepest ?? 0,
        history: points,
      };
    }),
    ingresses: runtime.ingresses.map((ingress) => {
      const health = ingress.health?.();
      return {
        id: ingress.id,
        messages: totals.ingresses.get(ingress.id)?.value ?? 0,
        status: health?.status ?? 'ok',
        ...(health?.reason === undefined ? {} : { reason: health.reason }),
      };
    }),
    endpoints: sources.endpointDescriptions().map((endpoint) => {
      const own = endpointStats.get(endpoint);
      if (own === undefined) return { endpoint, health: 'ok' as const };
      const failing = history.recentFailures(endpoint, own.failedAttempts, FAILING_WINDOW_MS) > 0;
      return { endpoint, health: failing ? ('failing' as const) : ('ok' as const), ...own };
    }),
    checkpoints: [...totals.checkpoints].reverse(),
    egresses: sources.egresses().map(({ id, deliverySemantic }) => ({
      id,
      deliverySemantic,
      records: totals.egresses.get(id)?.value ?? 0,
      pendingExactlyOnce: pending.get(id) ?? 0,
    })),
  };
}
