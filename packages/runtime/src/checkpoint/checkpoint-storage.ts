/**
 * Where checkpoints are kept beyond the machine: a folder or an S3 bucket. Objects are
 * written whole (a reader never sees half an object) and named by slash-separated paths.
 */
export interface CheckpointStorage {
  /** Where it is, e.g. `file:///var/keyflow/checkpoints` or `s3://bucket/prefix`. */
  readonly uri: string;
  put(name: string, data: Uint8Array): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(name: string): Promise<Uint8Array | undefined>;
  /** The names of every object whose name starts with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  delete(names: readonly string[]): Promise<void>;
}
