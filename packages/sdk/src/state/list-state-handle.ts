import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import type { PbStateMutation } from '../protocol/wire-types';
import { deserializeElement, serializeElement } from './element-codec';
import type { ListState } from './list-state';
import type { ListBacking, ListChanges } from './state-backing';
import type { ListStateDefinition } from './state-definition';

/**
 * A {@link ListState} over a {@link ListBacking}: typing, `maxLength` and the batch's pending
 * changes live here, the stored elements in the backing. Changes reach the backing only through
 * {@link persist}, which the handler calls once the whole batch succeeded.
 */
export class ListStateHandle<T> implements ListState<T> {
  readonly #state: ListStateDefinition;
  readonly #backing: ListBacking;
  #cleared = false;
  #appended: Uint8Array[] = [];

  constructor(state: ListStateDefinition, backing: ListBacking) {
    this.#state = state;
    this.#backing = backing;
  }

  get length(): number {
    return this.#storedLength() + this.#appended.length;
  }

  append(element: T): void {
    const bytes = serializeElement(this.#state, element, `${this.#state.property}.append`);
    this.#checkLength(this.length + 1, 'append');
    this.#appended.push(bytes);
  }

  appendAll(elements: Iterable<T>): void {
    const serialized = this.#serializeAll(elements, 'appendAll');
    this.#checkLength(this.length + serialized.length, 'appendAll');
    for (const bytes of serialized) this.#appended.push(bytes);
  }

  async get(index: number): Promise<T | undefined> {
    if (!Number.isInteger(index) || index < 0) {
      throw new KeyflowError(
        SdkErrorCodes.INVALID_STATE_ACCESS,
        `${this.#state.property}.get: list index ${String(index)} is not an integer ≥ 0.`,
      );
    }
    const stored = this.#storedLength();
    const bytes = index < stored ? await this.#backing.read(index) : this.#appended[index - stored];
    return bytes === undefined ? undefined : (deserializeElement(this.#state, bytes) as T);
  }

  async toArray(): Promise<T[]> {
    const elements: T[] = [];
    if (!this.#cleared) {
      const scan = this.#backing.scan();
      if (Symbol.asyncIterator in scan) {
        for await (const bytes of scan) elements.push(deserializeElement(this.#state, bytes) as T);
      } else {
        for (const bytes of scan) elements.push(deserializeElement(this.#state, bytes) as T);
      }
    }
    for (const bytes of this.#appended) elements.push(deserializeElement(this.#state, bytes) as T);
    return elements;
  }

  clear(): void {
    this.#cleared = true;
    this.#appended = [];
  }

  replaceAll(elements: Iterable<T>): void {
    const serialized = this.#serializeAll(elements, 'replaceAll');
    this.#checkLength(serialized.length, 'replaceAll');
    this.#cleared = true;
    this.#appended = serialized;
  }

  /** What the batch changed, for the backing. */
  changes(): ListChanges {
    return { cleared: this.#cleared, appended: this.#appended };
  }

  /** The mutations that store the batch's changes; called once, when the batch succeeded. */
  persist(): PbStateMutation[] {
    return this.#backing.persist(this.changes());
  }

  #storedLength(): number {
    return this.#cleared ? 0 : this.#backing.length;
  }

  #serializeAll(elements: Iterable<T>, method: string): Uint8Array[] {
    if (elements === null || typeof (elements as { [Symbol.iterator]?: unknown } | undefined)?.[Symbol.iterator] !== 'function') {
      throw new KeyflowError(
        SdkErrorCodes.INVALID_STATE_ACCESS,
        `${this.#state.property}.${method}: expected an array or another iterable of elements.`,
      );
    }
    const where = `${this.#state.property}.${method}`;
    return Array.from(elements, (element) => serializeElement(this.#state, element, where));
  }

  #checkLength(length: number, method: string): void {
    const max = this.#state.maxLength;
    if (max === undefined || length <= max) return;
    throw new KeyflowError(
      SdkErrorCodes.LIST_TOO_LONG,
      `${this.#state.property}.${method}: list state '${this.#state.name}' would hold ${length} elements, more than its maxLength of ${max}; nothing was changed. Remove elements first (replaceAll, clear) or raise maxLength.`,
    );
  }
}
