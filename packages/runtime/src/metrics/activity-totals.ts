/** What one function type did since the start, as plain numbers. */
export interface FunctionTotals {
  messages: number;
  batches: number;
  batchMs: number;
}

/** One checkpoint as the console lists it: completed, or failed with its reason. */
export interface CheckpointRecord {
  readonly checkpointId: number;
  /** Epoch ms when it completed or failed. */
  readonly at: number;
  readonly durationMs: number;
  readonly bytes: number;
  readonly addresses: number;
  readonly messages: number;
  readonly failure: string | undefined;
}

/** How many checkpoints the console lists. */
const CHECKPOINT_HISTORY = 30;

/**
 * The runtime's activity since it started as plain numbers (the Prometheus metrics hold the
 * same, behind an asynchronous API): what the console samples and shows.
 */
export class ActivityTotals {
  readonly functions = new Map<string, FunctionTotals>();
  /** Messages per ingress and records per egress: the very series the metrics expose. */
  readonly ingresses = new Map<string, { readonly value: number }>();
  readonly egresses = new Map<string, { readonly value: number }>();
  backpressurePauses = 0;
  /** The last checkpoints, oldest first. */
  readonly checkpoints: CheckpointRecord[] = [];

  /** The totals of `functionType`, to add to as its batches complete. */
  functionTotals(functionType: string): FunctionTotals {
    let totals = this.functions.get(functionType);
    if (totals === undefined) {
      totals = { messages: 0, batches: 0, batchMs: 0 };
      this.functions.set(functionType, totals);
    }
    return totals;
  }

  backpressureChanged(paused: boolean): void {
    if (paused) this.backpressurePauses++;
  }

  checkpointEnded(record: CheckpointRecord): void {
    this.checkpoints.push(record);
    if (this.checkpoints.length > CHECKPOINT_HISTORY) this.checkpoints.shift();
  }
}
