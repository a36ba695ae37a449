import { PbExpireMode, SCHEDULES_STATE_NAME, type PbAddress, type PbValueSpec } from '@keyflow/sdk/protocol';
import { addressKey, describeAddress } from '../message/address-key';
import type { AddressState, StoredValue } from '../state/address-state';
import { COLLECTION_KEY_PREFIX, STATE_KEY_PREFIX, addressKeyOfCollection, collectionRegionPrefix } from '../state/keyspace';
import type { StateSpecRegistry } from '../state/state-spec-registry';
import type { StateStore } from '../state/state-store';
import type { TimerService } from '../timers/timer-service';
import { collectionViews } from './collection-views';
import type { ValueView, ValueViewer } from './value-view';

/** One state value of an address, decoded, with its expiry. */
export interface StateValueView {
  readonly name: string;
  readonly value: ValueView;
  /** Epoch ms of the last write and of the last invocation that saw it. */
  readonly writtenAt: number;
  readonly accessedAt: number;
  /** `after-write` or `after-invoke` with its duration, when the function declared one. */
  readonly expiry?: { readonly mode: 'after-write' | 'after-invoke'; readonly afterMs: number; readonly expiresAt: number };
}

/** A delayed message not yet delivered that the address sent or will receive. */
export interface DelayedMessageView {
  readonly dueAt: number;
  readonly from: string;
  readonly to: string;
  /** The cancellation token, if it has one. */
  readonly token?: string;
  readonly argument: ValueView;
}

/** What the console and `keyflow state get` show of one address. */
export interface AddressView {
  readonly address: string;
  readonly functionType: string;
  readonly id: string;
  /** False when the address has no stored state (it may still have delayed messages). */
  readonly exists: boolean;
  readonly state: readonly StateValueView[];
  readonly delayedMessages: readonly DelayedMessageView[];
  /** The address's durable schedules (`ctx.schedule`), by name. */
  readonly schedules: readonly { readonly name: string; readonly rule: unknown; readonly nextAt: number }[];
}

/** One page of the addresses of a function type that have state. */
export interface AddressPage {
  readonly functionType: string;
  readonly ids: readonly string[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: string;
}

const NUL = '\u0000';

/**
 * The longest id that {@link AddressInspector.list} finds by its list or map entries alone (an
 * address with value state is found whatever its id). Collection keys begin with the length of
 * the address key, so each length is one backend seek.
 */
export const MAX_LISTED_ID_LENGTH = 512;

/**
 * Reads the state of addresses for people: decoded values with their expiry, pending delayed
 * messages and schedules of one address, and the addresses of a function type page by page.
 * It reads what the functions see (uncommitted writes included) and changes nothing.
 */
export class AddressInspector {
  constructor(
    private readonly store: StateStore,
    private readonly specs: StateSpecRegistry,
    private readonly timers: TimerService,
    private readonly viewer: ValueViewer,
  ) {}

  /** A message argument or state value, decoded for people. */
  viewValue(typename: string, bytes: Uint8Array): ValueView {
    return this.viewer.view(typename, bytes);
  }

  /** The state, delayed messages and schedules of `address`. */
  async lookup(address: PbAddress): Promise<AddressView> {
    const key = addressKey(address);
    const functionType = `${address.namespace}/${address.type}`;
    const state = await this.store.load(key);
    const specs = this.specs.get(functionType);
    const values = [...(state ?? new Map<string, StoredValue>())].filter(([name]) => name !== SCHEDULES_STATE_NAME);
    // Embedded functions' lists and maps live entry by entry, beside the address's values.
    const collections = await collectionViews(this.store.entries, key, this.viewer);
    const stored = [
      ...values.map(([name, value]) => ({ name, value: this.viewer.view(value.typename, value.value), writtenAt: value.writtenAt, accessedAt: value.accessedAt })),
      ...collections.map(({ name, header, value }) => ({ name, value, writtenAt: header.writtenAt, accessedAt: header.accessedAt })),
    ];
    return {
      address: describeAddress(address),
      functionType,
      id: address.id,
      exists: stored.length > 0,
      state: stored.map((value) => this.#stateValue(value, specs.find((spec) => spec.stateName === value.name))),
      delayedMessages: this.timers.pendingFor(key).map((message) => ({
        dueAt: message.dueAt,
        from: message.owner.replace(NUL, '/'),
        to: describeAddress(message.envelope.target),
        ...(message.token === '' ? {} : { token: message.token }),
        argument: this.viewer.view(message.envelope.argument.typename, message.envelope.argument.value),
      })),
      schedules: schedulesOf(state),
    };
  }

  /** Up to `limit` ids of `functionType` with state, in key order, after `after`. */
  async list(functionType: string, after: string | undefined, limit: number): Promise<AddressPage> {
    const prefix = `${functionType}${NUL}`;
    const uncommitted = this.store.uncommitted(prefix);
    const ids = new Set<string>();
    for await (const [key] of this.store.backend.scan(STATE_KEY_PREFIX + prefix)) {
      const id = key.slice(STATE_KEY_PREFIX.length + prefix.length);
      if (after !== undefined && id <= after) continue;
      if (uncommitted.get(prefix + id) === null) continue; // deleted since the checkpoint
      ids.add(id);
      if (ids.size > limit) break;
    }
    for (const [key, state] of uncommitted) {
      const id = key.slice(prefix.length);
      if (state !== null && (after === undefined || id > after)) ids.add(id);
    }
    for (const id of await this.#idsWithCollections(prefix, after, limit)) ids.add(id);
    const sorted = [...ids].sort();
    const page = sorted.slice(0, limit);
    return { functionType, ids: page, ...(sorted.length > limit ? { next: page.at(-1) as string } : {}) };
  }

  /**
   * Ids of the function type (`prefix`: its typename and NUL) after `after` that have list or map
   * state stored entry by entry — an address may have no other state — at most `limit` + 1 per
   * id length, the smallest of each.
   */
  async #idsWithCollections(prefix: string, after: string | undefined, limit: number): Promise<Set<string>> {
    const ids = new Set<string>();
    const take = (key: string): string | undefined => {
      const address = addressKeyOfCollection(key);
      if (address === undefined || !address.startsWith(prefix)) return undefined;
      const id = address.slice(prefix.length);
      return after === undefined || id > after ? id : undefined;
    };
    for (const [key, value] of this.store.entries.pendingUnder(COLLECTION_KEY_PREFIX)) {
      const id = value === null ? undefined : take(key);
      if (id !== undefined) ids.add(id);
    }
    for (let length = prefix.length + 1; length <= prefix.length + MAX_LISTED_ID_LENGTH; length++) {
      let found = 0;
      let last: string | undefined;
      for await (const [key] of this.store.backend.scan(collectionRegionPrefix(length, prefix))) {
        const id = take(key);
        if (id === undefined || id === last) continue;
        last = id;
        ids.add(id);
        if (++found > limit) break;
      }
    }
    return ids;
  }

  #stateValue(base: Omit<StateValueView, 'expiry'>, spec: PbValueSpec | undefined): StateValueView {
    const expiration = spec?.expirationSpec;
    if (expiration === undefined || expiration.mode === PbExpireMode.NONE) return base;
    const afterWrite = expiration.mode === PbExpireMode.AFTER_WRITE;
    const since = afterWrite ? base.writtenAt : base.accessedAt;
    return {
      ...base,
      expiry: { mode: afterWrite ? 'after-write' : 'after-invoke', afterMs: expiration.expireAfterMillis, expiresAt: since + expiration.expireAfterMillis },
    };
  }
}

/** The schedules kept in the reserved state value, if any. */
function schedulesOf(state: AddressState | null): AddressView['schedules'] {
  const stored = state?.get(SCHEDULES_STATE_NAME);
  if (stored === undefined) return [];
  try {
    const table = JSON.parse(Buffer.from(stored.value).toString('utf8')) as { schedules?: Record<string, { rule: unknown; next: number }> };
    return Object.entries(table.schedules ?? {}).map(([name, schedule]) => ({ name, rule: schedule.rule, nextAt: schedule.next }));
  } catch {
    return [];
  }
}

