import { describeError, type Logger } from '@keyflow/sdk';
import type { Dispatcher } from '../dispatcher/dispatcher';
import type { EgressBacklogLimits } from '../egress/egress-backlog';
import type { EgressRouter } from '../egress/egress-router';

/** What {@link EgressBackpressure} needs besides the egress router and the dispatcher. */
export interface EgressBackpressureOptions {
  readonly limits: EgressBacklogLimits;
  readonly logger: Logger;
  /** Takes a checkpoint now (after the one in progress): it commits exactly-once records. */
  readonly checkpoint: () => Promise<unknown>;
  /** False once the runtime stops or failed: no more checkpoints are asked for. */
  readonly running: () => boolean;
  readonly clock: () => number;
}

/**
 * Egress backpressure: while the egress router's backlog is full, the dispatcher sends no batch
 * and ingresses are paused, and each pause is logged with how long it lasted. Exactly-once
 * records leave the backlog only with a checkpoint, so while they fill it checkpoints are taken
 * one after another instead of waiting for the next interval.
 */
export class EgressBackpressure {
  #since: number | undefined;
  #draining = false;

  constructor(
    private readonly egress: EgressRouter,
    private readonly dispatcher: Dispatcher,
    private readonly options: EgressBackpressureOptions,
  ) {
    egress.backlog.onChange((full) => this.#changed(full));
  }

  #changed(full: boolean): void {
    const { logger, limits, clock } = this.options;
    this.dispatcher.setEgressBacklogged(full);
    const { records, bytes } = this.egress.backlog.stats();
    if (full) {
      this.#since = clock();
      logger.warn('egress is slower than processing: ingresses paused until its backlog drains', {
        stagedRecords: records,
        stagedBytes: bytes,
        maxStagedRecords: limits.maxRecords,
        maxStagedBytes: limits.maxBytes,
      });
      void this.#drainExactlyOnce();
    } else {
      logger.info('egress backlog drained: ingresses resumed', {
        stagedRecords: records,
        stagedBytes: bytes,
        pausedMs: clock() - (this.#since ?? clock()),
      });
      this.#since = undefined;
    }
  }

  async #drainExactlyOnce(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.egress.backlog.full && this.egress.pendingCount > 0 && this.options.running()) {
        await this.options.checkpoint();
      }
    } catch (error) {
      // The periodic checkpoints go on trying; the backlog stays full until one succeeds.
      this.options.logger.warn('a checkpoint to commit exactly-once egress records failed', { error: describeError(error) });
    } finally {
      this.#draining = false;
    }
  }
}
