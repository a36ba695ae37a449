// The seam where entry-level storage plugs in: StorageFactory takes the backings of lists and
// maps and the clock of map entry expiry; the handles read through them and hand them the changes.
import { ListSpec, MapSpec, StatefulFunction, Types, ValueSpec, type Context, type ListState, type MapState, type Message } from '@keyflow/sdk';
import {
  FunctionRegistry,
  LIST_STATE_TYPENAME,
  MAP_STATE_TYPENAME,
  PbMutationType,
  createInlineBatchHandler,
  type PbInvocationBatchRequest,
  type PbStateMutation,
  type PbTypedValue,
  type StoredMapEntry,
} from '@keyflow/sdk/protocol';
import type { ListBacking, ListChanges, MapBacking, MapChanges, StateBackings } from '../state/state-backing';
import { StorageFactory } from './address-storage';

@StatefulFunction('test/seam')
class Seam {
  @ValueSpec({ type: Types.int }) count?: number;
  @MapSpec({ value: Types.int, expireAfterWrite: 1_000 }) scores?: MapState<number>;
  @ListSpec({ type: Types.string }) events?: ListState<string>;
  apply(ctx: Context<Seam>, msg: Message): void {
    // Only the per-batch test sends messages; the factory test calls no function.
    ctx.storage.scores.set('seen', 1);
    ctx.storage.events.append(msg.asString());
  }
}

/** Backings over plain memory that record what they were given. */
class RecordingBackings implements StateBackings {
  readonly stored: PbTypedValue[] = [];
  mapChanges: MapChanges | undefined;
  listChanges: ListChanges | undefined;

  map(_state: unknown, stored: PbTypedValue | undefined): MapBacking {
    if (stored) this.stored.push(stored);
    const entries = new Map<string, StoredMapEntry>([['old', { value: Types.int.serialize(7), expiresAtMillis: 0 }]]);
    return {
      read: async (key) => entries.get(key),
      scan: () => entries,
      persist: (changes): PbStateMutation[] => {
        this.mapChanges = changes;
        return [{ mutationType: PbMutationType.DELETE, stateName: 'scores-from-backing', stateValue: undefined }];
      },
    };
  }

  list(): ListBacking {
    return {
      length: 41,
      read: async () => Types.string.serialize('stored'),
      scan: () => [],
      persist: (changes): PbStateMutation[] => {
        this.listChanges = changes;
        return [];
      },
    };
  }
}

describe('StorageFactory with other backings', () => {
  it('reads lists and maps through them, with its clock, and collects the mutations they make of the changes', async () => {
    const states = new FunctionRegistry([Seam]).get('test/seam')?.states ?? [];
    const backings = new RecordingBackings();
    const factory = new StorageFactory(states, { backings, clock: () => 5_000 });
    const marker: PbTypedValue = { typename: 'io.keyflow.types/map', hasValue: true, value: Uint8Array.of(1) };
    const storage = factory.create([undefined, marker, undefined]);
    const ctx = storage.object as { count?: number; scores: MapState<number>; events: ListState<string> };

    expect(await ctx.scores.get('old')).toBe(7);
    ctx.scores.set('new', 1);
    ctx.count = 3;
    expect(ctx.events.length).toBe(41);
    expect(await ctx.events.get(40)).toBe('stored');
    ctx.events.append('more');

    const mutations = storage.collectMutations();
    expect(backings.stored).toEqual([marker]);
    expect(backings.mapChanges?.puts.get('new')).toEqual({ value: Types.int.serialize(1), expiresAtMillis: 6_000 });
    expect(backings.listChanges?.appended.map((bytes) => Types.string.deserialize(bytes))).toEqual(['more']);
    expect(mutations.map((m) => m.stateName)).toEqual(['count', 'scores-from-backing']);
  });
});

describe('createInlineBatchHandler with backings per batch', () => {
  it('hands each batch’s lists and maps to the backings passed with it, and stamps map expiry with its clock', async () => {
    const handle = createInlineBatchHandler([Seam], { clock: () => 9_000 });
    const noValue = (typename: string): PbTypedValue => ({ typename, hasValue: false, value: new Uint8Array(0) });
    const batch = (text: string): PbInvocationBatchRequest => ({
      target: { namespace: 'test', type: 'seam', id: 'a' },
      state: [
        { stateName: 'count', stateValue: noValue(Types.int.typename) },
        { stateName: 'scores', stateValue: noValue(MAP_STATE_TYPENAME) },
        { stateName: 'events', stateValue: noValue(LIST_STATE_TYPENAME) },
      ],
      invocations: [{ caller: undefined, argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(text) } }],
    });
    const backings = new RecordingBackings();
    const withBackings = await handle(batch('x'), backings);
    expect(withBackings.kind).toBe('invocationResult');
    expect(backings.mapChanges?.puts.get('seen')).toEqual({ value: Types.int.serialize(1), expiresAtMillis: 10_000 });
    expect(backings.listChanges?.appended).toHaveLength(1);

    // Without backings, the same batch writes the collections whole, as for any StateFun runtime.
    const whole = await handle(batch('y'));
    const names = whole.kind === 'invocationResult' ? whole.result.stateMutations.map((m) => m.stateName) : [];
    expect(names).toEqual(['scores', 'events']);
  });
});
