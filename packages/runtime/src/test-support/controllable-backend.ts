import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { MemoryBackend } from '../state/memory-backend';
import type { BackendOp, StateBackend } from '../state/state-backend';
import { deferred, type Deferred } from './deferred';

/**
 * A {@link MemoryBackend} that a test can fail or pause: the next write can be made to fail
 * (applying nothing, as an atomic backend would), and reads or writes can be held until
 * released, to observe what happens while they are under way. Records every call.
 */
export class ControllableBackend implements StateBackend {
  readonly description = 'controllable-memory';
  readonly inner = new MemoryBackend();
  /** The key lists of every `getMany` call, in order. */
  readonly reads: (readonly string[])[] = [];
  /** The operations of every write that was applied, in order. */
  readonly writes: (readonly BackendOp[])[] = [];
  #failures: Error[] = [];
  #readFailures: Error[] = [];
  #readGate: Deferred<void> | undefined;
  #writeGate: Deferred<void> | undefined;
  #heldWrites = 0;

  /** Makes the next write reject with `error` (default `KF_STATE_BACKEND_FAILED`) and apply nothing. */
  failNextWrite(error: Error = new KeyflowError(RuntimeErrorCodes.STATE_BACKEND_FAILED, 'injected write failure')): void {
    this.#failures.push(error);
  }

  /** Makes the next `getMany` reject with `error`. */
  failNextRead(error: Error = new KeyflowError(RuntimeErrorCodes.STATE_BACKEND_FAILED, 'injected read failure')): void {
    this.#readFailures.push(error);
  }

  /** Later reads wait until {@link releaseReads}. */
  holdReads(): void {
    this.#readGate ??= deferred();
  }

  releaseReads(): void {
    this.#readGate?.resolve();
    this.#readGate = undefined;
  }

  /** Later writes wait until {@link releaseWrites}. */
  holdWrites(): void {
    this.#writeGate ??= deferred();
  }

  releaseWrites(): void {
    this.#writeGate?.resolve();
    this.#writeGate = undefined;
  }

  /** Writes waiting at the gate. */
  get heldWrites(): number {
    return this.#heldWrites;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    await this.#readGate?.promise;
    return this.inner.get(key);
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    this.reads.push([...keys]);
    await this.#readGate?.promise;
    const failure = this.#readFailures.shift();
    if (failure) throw failure;
    return this.inner.getMany(keys);
  }

  async write(ops: readonly BackendOp[]): Promise<void> {
    const gate = this.#writeGate;
    if (gate) {
      this.#heldWrites++;
      await gate.promise;
      this.#heldWrites--;
    }
    const failure = this.#failures.shift();
    if (failure) throw failure;
    this.writes.push([...ops]);
    await this.inner.write(ops);
  }

  snapshot(): AsyncIterable<readonly [string, Uint8Array]> {
    return this.inner.snapshot();
  }

  approximateBytes(): Promise<number> {
    return this.inner.approximateBytes();
  }

  clear(): Promise<void> {
    return this.inner.clear();
  }

  scan(prefix: string): AsyncIterable<readonly [string, Uint8Array]> {
    return this.inner.scan(prefix);
  }

  async close(): Promise<void> {
    await this.inner.close();
  }

  /** The stored value of `key`, straight from memory (no gate). */
  peekStored(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  /** Every stored key with `prefix`, sorted. */
  async keys(prefix = ''): Promise<string[]> {
    const keys: string[] = [];
    for await (const [key] of this.inner.scan(prefix)) keys.push(key);
    return keys;
  }
}
