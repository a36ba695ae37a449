import { KeyflowError, SdkErrorCodes } from '@keyflow/sdk';
import type { ListBacking, ListChanges, ListStateDefinition, MaybePromise, PbStateMutation } from '@keyflow/sdk/protocol';
import { encodeCollectionHeader, type CollectionHeader } from './collection-header';
import type { StageWrite } from './entry-backed-map';
import type { EntryStore } from './entry-store';
import { collectionHeaderKey, listElementKey } from './keyspace';

/**
 * A list state of one address stored element by element in the runtime's entry store, its
 * length in the header (read before the batch, so `length` and `append` need no I/O). An append
 * stages the new elements and the header; `clear`/`replaceAll` overwrite from index 0 and delete
 * the indices past the new length.
 */
export class EntryBackedList implements ListBacking {
  readonly length: number;

  constructor(
    private readonly store: EntryStore,
    private readonly prefix: string,
    header: CollectionHeader | undefined,
    private readonly state: ListStateDefinition,
    private readonly now: number,
    private readonly stage: StageWrite,
  ) {
    if (header && (header.kind !== 'list' || header.typename !== state.type.typename)) {
      throw new KeyflowError(
        SdkErrorCodes.TYPE_MISMATCH,
        `List state '${state.name}' holds ${header.kind === 'list' ? `elements of type ${header.typename}` : 'a map'}, but the function declares a list of ${state.type.typename}; keep the declared type or give the state a new name.`,
      );
    }
    this.length = header?.length ?? 0;
  }

  read(index: number): MaybePromise<Uint8Array | undefined> {
    if (index >= this.length) return undefined;
    const bytes = this.store.get(listElementKey(this.prefix, index));
    if (bytes instanceof Promise) return bytes.then((value) => value ?? undefined);
    return bytes ?? undefined;
  }

  async *scan(): AsyncIterable<Uint8Array> {
    let index = 0;
    for await (const [, bytes] of this.store.scan(`${this.prefix}l`)) {
      if (index++ >= this.length) return;
      yield bytes;
    }
  }

  persist(changes: ListChanges): PbStateMutation[] {
    const { cleared, appended } = changes;
    if (!cleared && appended.length === 0) return [];
    const start = cleared ? 0 : this.length;
    appended.forEach((bytes, offset) => this.stage(listElementKey(this.prefix, start + offset), bytes));
    const length = start + appended.length;
    for (let index = length; index < this.length; index++) this.stage(listElementKey(this.prefix, index), null);
    const headerKey = collectionHeaderKey(this.prefix);
    if (length === 0) {
      this.stage(headerKey, null);
    } else {
      const { typename } = this.state.type;
      this.stage(headerKey, encodeCollectionHeader({ kind: 'list', typename, length, generation: 0, writtenAt: this.now, accessedAt: this.now }));
    }
    return [];
  }
}
