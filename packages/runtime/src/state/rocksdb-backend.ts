import { mkdir } from 'node:fs/promises';
import { KeyflowError } from '@keyflow/sdk';
import rocksdb from 'rocksdb';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { BackendOp, StateBackend } from './state-backend';

type RocksDb = ReturnType<typeof rocksdb>;

// UTF-8 never contains 0xff, so `prefix + 0xff` bounds a prefix scan from above.
const PREFIX_END = Buffer.from([0xff]);

/** A {@link StateBackend} on RocksDB (the `rocksdb` npm package), in one folder. */
export class RocksDbBackend implements StateBackend {
  readonly description: string;

  private constructor(
    private readonly db: RocksDb,
    readonly location: string,
  ) {
    this.description = `rocksdb:${location}`;
  }

  /** Opens (creating if needed) the database in `location`. */
  static async open(location: string): Promise<RocksDbBackend> {
    await mkdir(location, { recursive: true });
    const db = rocksdb(location);
    await new Promise<void>((resolve, reject) => {
      db.open({ createIfMissing: true }, (error) => (error ? reject(backendError('open', location, error)) : resolve()));
    });
    return new RocksDbBackend(db, location);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get(key, { asBuffer: true }, (error, value) => {
        if (!error) resolve(value as Buffer);
        else if (/notfound/i.test(error.message)) resolve(undefined);
        else reject(backendError(`read ${JSON.stringify(key)}`, this.location, error));
      });
    });
  }

  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return new Promise((resolve, reject) => {
      this.db.getMany([...keys], { asBuffer: true }, (error, values) => {
        if (error) reject(backendError(`read ${keys.length} entries`, this.location, error));
        else resolve((values ?? []) as (Buffer | undefined)[]);
      });
    });
  }

  write(ops: readonly BackendOp[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    const batch = ops.map((op) =>
      op.type === 'put'
        ? { type: 'put' as const, key: op.key, value: Buffer.from(op.value.buffer, op.value.byteOffset, op.value.byteLength) }
        : { type: 'del' as const, key: op.key },
    );
    return new Promise((resolve, reject) => {
      this.db.batch(batch, { sync: true }, (error) =>
        error ? reject(backendError(`write ${ops.length} entries`, this.location, error)) : resolve(),
      );
    });
  }

  scan(prefix: string): AsyncIterable<readonly [string, Uint8Array]> {
    const start = Buffer.from(prefix, 'utf8');
    return this.#iterate({ gte: start, lt: Buffer.concat([start, PREFIX_END]) }, `scan ${JSON.stringify(prefix)}`);
  }

  snapshot(): AsyncIterable<readonly [string, Uint8Array]> {
    return this.#iterate({}, 'snapshot');
  }

  approximateBytes(): Promise<number> {
    return new Promise((resolve) => {
      this.db.approximateSize(Buffer.alloc(0), PREFIX_END, (error: Error | undefined, size: number) => resolve(error ? 0 : size));
    });
  }

  clear(): Promise<void> {
    return new Promise((resolve, reject) => {
      // clear() is in the rocksdb package (abstract-leveldown 7) but not in its type definitions.
      const db = this.db as unknown as { clear(options: object, callback: (error: Error | undefined) => void): void };
      db.clear({}, (error) => (error ? reject(backendError('clear', this.location, error)) : resolve()));
    });
  }

  /**
   * Iterates a range. The native iterator is created here, synchronously, and reads from an
   * implicit RocksDB snapshot taken at creation: writes made after the call are not seen.
   */
  #iterate(range: { gte?: Buffer; lt?: Buffer }, what: string): AsyncIterable<readonly [string, Uint8Array]> {
    const iterator = this.db.iterator({ ...range, keyAsBuffer: false, valueAsBuffer: true });
    const location = this.location;
    return (async function* () {
      try {
        for (;;) {
          const entry = await new Promise<readonly [string, Buffer] | undefined>((resolve, reject) => {
            iterator.next((error, key, value) => {
              if (error) reject(backendError(what, location, error));
              else resolve(key === undefined ? undefined : [String(key), value as Buffer]);
            });
          });
          if (!entry) return;
          yield entry;
        }
      } finally {
        await new Promise<void>((resolve) => iterator.end(() => resolve()));
      }
    })();
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.close((error) => (error ? reject(backendError('close', this.location, error)) : resolve()));
    });
  }
}

function backendError(operation: string, location: string, error: Error): KeyflowError {
  return new KeyflowError(
    RuntimeErrorCodes.STATE_BACKEND_FAILED,
    `RocksDB could not ${operation} in ${location}: ${error.message}`,
    { cause: error },
  );
}
