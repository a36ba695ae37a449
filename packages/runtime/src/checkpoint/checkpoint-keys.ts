// Backend keys of the data a checkpoint holds besides function state (`s/`), delayed
// messages (`t/`) and ingress-owned data (`i/`).

/** The id and time of the last committed checkpoint. */
export const CHECKPOINT_MARKER_KEY = 'm/checkpoint';
/** Every message queued or in flight at the checkpoint instant. */
export const MAILBOXES_KEY = 'm/mailboxes';
/** Prefix of ingress positions: `m/ingress/<ingress id>`. */
export const INGRESS_POSITION_PREFIX = 'm/ingress/';
/** Prefix of exactly-once egress records waiting for delivery: `e/<checkpoint id>`. */
export const PENDING_EGRESS_PREFIX = 'e/';

export function pendingEgressKey(checkpointId: number): string {
  return PENDING_EGRESS_PREFIX + checkpointId.toString().padStart(16, '0');
}
