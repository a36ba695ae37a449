/** The messages of one function type waiting in mailboxes, at one instant. */
export interface MailboxDepth {
  /** Messages queued or in flight over all addresses of the function type. */
  readonly queued: number;
  /** Addresses with messages queued or in flight. */
  readonly addresses: number;
  /** The most messages queued or in flight at one address. */
  readonly deepest: number;
}

/** Counters an endpoint keeps about its calls (remote endpoints; embedded ones keep none). */
export interface EndpointStats {
  /** Attempts that failed: connection errors, timeouts, error statuses, undecodable answers. */
  readonly failedAttempts: number;
  /** Attempts made again after a transient failure. */
  readonly retries: number;
  /** Connections open now, idle or in use. */
  readonly openConnections: number;
}

/**
 * Where the metrics read the runtime's state when they are scraped (values that are cheaper to
 * read now and then than to report on every change).
 */
export interface RuntimeSources {
  queuedMessages(): number;
  activeAddresses(): number;
  paused(): boolean;
  /** Per function type; types with nothing queued may be left out. */
  mailboxDepths(): ReadonlyMap<string, MailboxDepth>;
  pendingDelayedMessages(): number;
  /** Messages parked after their invocation kept failing. */
  parkedMessages(): number;
  /** Exactly-once egress records waiting for their checkpoint, per egress id. */
  pendingExactlyOnceEgress(): ReadonlyMap<string, number>;
  /** Egress records held for slow sinks (not yet written; exactly-once: not yet committed), and whether they pause input. */
  egressBacklog(): { readonly records: number; readonly bytes: number; readonly full: boolean };
  /** Endpoints that keep stats, each by its description (a URL template, never an address). */
  endpointStats(): ReadonlyMap<string, EndpointStats>;
  /** Every endpoint's description (embedded ones included). */
  endpointDescriptions(): readonly string[];
  /** Every egress, with its delivery semantic. */
  egresses(): readonly { readonly id: string; readonly deliverySemantic: string }[];
}
