import { randomUUID } from 'node:crypto';
import { KeyflowError, type Logger } from '@keyflow/sdk';
import { CheckpointErrorCodes } from './checkpoint-error-codes';
import type { CheckpointStorage } from './checkpoint-storage';

/** Where the claims live in checkpoint storage; nothing else is written under it. */
export const LEASE_PREFIX = 'lease/';

/** Who holds a lease: the same host and state folder is the same owner, restarted. */
export interface LeaseOwner {
  readonly host: string;
  readonly stateDir: string;
  readonly pid: number;
}

/** One runtime's claim on a checkpoint location, as stored in `lease/<instance>.json`. */
export interface LeaseClaim {
  readonly instance: string;
  readonly owner: LeaseOwner;
  readonly claimedAt: number;
  readonly expiresAt: number;
  /** The claims this one replaced: expired ones, its own owner's earlier ones, or taken over. */
  readonly supersedes: readonly string[];
}

/** Options of {@link CheckpointLease.acquire}. */
export interface LeaseOptions {
  readonly owner: LeaseOwner;
  /** How long a claim lives without renewal. Default 30 s; renewed every third of it. */
  readonly ttlMs?: number;
  /** Replace a live claim of another owner (`--take-over`: its runtime is known to be gone). */
  readonly takeOver?: boolean;
  readonly clock?: () => number;
  readonly logger?: Logger;
}

const DEFAULT_TTL_MS = 30_000;
const SIMULTANEOUS_CLAIM_ATTEMPTS = 3;

/**
 * One owner at a time for a checkpoint location (a folder or an S3 prefix).
 *
 * S3 servers such as s3rver do not support conditional writes (`If-None-Match`/`If-Match` on
 * PUT), so the lease uses only what every storage has: whole-object puts and a list that sees
 * every completed put. Each runtime writes its own claim object — no two runtimes ever write
 * the same object — and then lists the claims: one that sees a live claim of another owner that
 * it does not replace backs off. Of two runtimes claiming at the same moment, at least one sees
 * the other (the later list follows both puts), so at most one wins; both may back off, and a
 * retry settles it. The owner renews its claim and checks, before every manifest it writes and
 * every object it deletes, that no newer claim replaced it; a runtime that was replaced stops.
 * Between that check and the write there is a short window that only conditional writes could
 * close.
 */
export class CheckpointLease {
  #claim: LeaseClaim;
  #timer: NodeJS.Timeout | undefined;
  #lost: KeyflowError | undefined;
  #released = false;
  readonly #lostListeners: ((error: KeyflowError) => void)[] = [];

  private constructor(
    private readonly storage: CheckpointStorage,
    claim: LeaseClaim,
    private readonly ttlMs: number,
    private readonly clock: () => number,
    private readonly logger: Logger | undefined,
  ) {
    this.#claim = claim;
  }

  /**
   * Claims `storage` for `options.owner`, or throws `KF_CHECKPOINT_LOCATION_OWNED` naming the
   * runtime that holds it.
   */
  static async acquire(storage: CheckpointStorage, options: LeaseOptions): Promise<CheckpointLease> {
    // Runtimes that claimed at the same moment and all backed off try again after a random
    // pause: then one sees the other's claim, or is alone.
    for (let attempt = 1; ; attempt++) {
      const lease = await CheckpointLease.#tryAcquire(storage, options, attempt < SIMULTANEOUS_CLAIM_ATTEMPTS);
      if (lease !== undefined) return lease;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    }
  }

  /** The lease, or undefined when a rival claimed at the same moment and `retry` allows another try. */
  static async #tryAcquire(storage: CheckpointStorage, options: LeaseOptions, retry: boolean): Promise<CheckpointLease | undefined> {
    const clock = options.clock ?? Date.now;
    const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    const before = await readClaims(storage);
    const now = clock();
    const foreign = before.filter((claim) => claim.expiresAt > now && !sameOwner(claim.owner, options.owner) && !isSuperseded(claim, before, now));
    if (foreign.length > 0 && options.takeOver !== true) throw ownedError(storage, foreign[0] as LeaseClaim, now);

    const claim: LeaseClaim = {
      instance: randomUUID(),
      owner: options.owner,
      claimedAt: now,
      expiresAt: now + ttlMs,
      supersedes: before.map((other) => other.instance),
    };
    await storage.put(claimName(claim.instance), encodeClaim(claim));
    const after = await readClaims(storage);
    const rival = after.find(
      (other) => other.instance !== claim.instance && !claim.supersedes.includes(other.instance) && other.expiresAt > clock() && !isSuperseded(other, after, clock()),
    );
    if (rival !== undefined) {
      await storage.delete([claimName(claim.instance)]);
      if (retry) return undefined;
      throw ownedError(storage, rival, clock(), 'claimed it at the same moment');
    }
    // Expired claims are of no use to anyone; live ones that were replaced stay until they
    // expire, so that their runtime learns it was replaced.
    const expired = before.filter((other) => other.expiresAt <= now).map((other) => claimName(other.instance));
    if (expired.length > 0) await storage.delete(expired);
    if (foreign.length > 0) {
      options.logger?.warn('took over the checkpoint location from another runtime', {
        checkpointStorage: storage.uri,
        previousOwners: foreign.map((other) => describeOwner(other.owner)),
      });
    }
    const lease = new CheckpointLease(storage, claim, ttlMs, clock, options.logger);
    lease.#schedule();
    return lease;
  }

  /** This lease's claim (its instance id and expiry). */
  get claim(): LeaseClaim {
    return this.#claim;
  }

  /** Calls `listener` once when another runtime replaces this one. */
  onLost(listener: (error: KeyflowError) => void): void {
    if (this.#lost) listener(this.#lost);
    else this.#lostListeners.push(listener);
  }

  /** Throws `KF_CHECKPOINT_LEASE_LOST` when another runtime replaced this one. */
  async verify(): Promise<void> {
    if (this.#lost) throw this.#lost;
    const claims = await readClaims(this.storage);
    const mine = claims.find((claim) => claim.instance === this.#claim.instance);
    const replacedBy = claims.find((claim) => claim.supersedes.includes(this.#claim.instance));
    if (mine === undefined || replacedBy !== undefined) {
      const by = replacedBy === undefined ? 'its claim was removed' : `${describeOwner(replacedBy.owner)} took it over`;
      const lost = new KeyflowError(
        CheckpointErrorCodes.LEASE_LOST,
        `This runtime no longer owns the checkpoint location ${this.storage.uri}: ${by}. It writes no more checkpoints there; stop it (the other runtime continues from the checkpoints).`,
      );
      this.#lose(lost);
      throw lost;
    }
  }

  /** Writes the claim again with a later expiry, after checking it was not replaced. */
  async renew(): Promise<void> {
    await this.verify();
    const now = this.clock();
    this.#claim = { ...this.#claim, expiresAt: now + this.ttlMs };
    await this.storage.put(claimName(this.#claim.instance), encodeClaim(this.#claim));
  }

  /** Stops renewing and removes the claim, so the next owner need not wait for it to expire. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    clearTimeout(this.#timer);
    await this.storage.delete([claimName(this.#claim.instance)]);
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.renew().then(
        () => {
          if (!this.#released) this.#schedule();
        },
        (error: unknown) => {
          if (this.#lost || this.#released) return;
          // The storage may be unreachable for a while: keep trying; a replacement is noticed.
          this.logger?.warn('could not renew the checkpoint lease; retrying', { checkpointStorage: this.storage.uri, error });
          this.#schedule();
        },
      );
    }, Math.max(10, Math.floor(this.ttlMs / 3)));
    this.#timer.unref();
  }

  #lose(error: KeyflowError): void {
    if (this.#lost) return;
    this.#lost = error;
    clearTimeout(this.#timer);
    for (const listener of this.#lostListeners) listener(error);
  }
}

function claimName(instance: string): string {
  return `${LEASE_PREFIX}${instance}.json`;
}

function encodeClaim(claim: LeaseClaim): Buffer {
  return Buffer.from(JSON.stringify(claim));
}

async function readClaims(storage: CheckpointStorage): Promise<LeaseClaim[]> {
  const names = (await storage.list(LEASE_PREFIX)).filter((name) => name.endsWith('.json'));
  const claims: LeaseClaim[] = [];
  for (const name of names) {
    const bytes = await storage.get(name);
    if (bytes === undefined) continue; // released meanwhile
    try {
      claims.push(JSON.parse(Buffer.from(bytes).toString('utf8')) as LeaseClaim);
    } catch {
      // Objects are written whole: an unreadable one is not a claim of ours.
    }
  }
  return claims;
}

/** A claim that a live claim replaced no longer counts, even before it expires. */
function isSuperseded(claim: LeaseClaim, claims: readonly LeaseClaim[], now: number): boolean {
  return claims.some((other) => other.expiresAt > now && other.supersedes.includes(claim.instance));
}

function sameOwner(a: LeaseOwner, b: LeaseOwner): boolean {
  return a.host === b.host && a.stateDir === b.stateDir;
}

function describeOwner(owner: LeaseOwner): string {
  return `the runtime with state folder ${owner.stateDir} on ${owner.host} (pid ${owner.pid})`;
}

function ownedError(storage: CheckpointStorage, holder: LeaseClaim, now: number, how = 'holds it'): KeyflowError {
  const seconds = Math.max(0, Math.ceil((holder.expiresAt - now) / 1000));
  return new KeyflowError(
    CheckpointErrorCodes.LOCATION_OWNED,
    `The checkpoint location ${storage.uri} has another owner: ${describeOwner(holder.owner)} ${how} (its lease runs ${seconds} s more unless renewed). ` +
      'Two runtimes writing one checkpoint location would overwrite each other\'s checkpoints. Stop the other runtime, give this one its own --checkpoint-dir, ' +
      'or, if the other runtime is gone for good (a replaced pod), start this one with --take-over.',
  );
}
