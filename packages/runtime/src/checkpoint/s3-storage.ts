import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { CheckpointStorage } from './checkpoint-storage';

/** Options of {@link S3CheckpointStorage}. */
export interface S3StorageOptions {
  /** An S3-compatible endpoint, e.g. `http://127.0.0.1:4568` for a local server. */
  readonly endpoint?: string;
  /** Default: `AWS_REGION` or `us-east-1`. */
  readonly region?: string;
  /** Static credentials; default: the AWS SDK's default chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Path-style addressing (`endpoint/bucket/key`), needed by most local servers. Default: true with an endpoint. */
  readonly forcePathStyle?: boolean;
  /** Per-request timeout in milliseconds. Default 30 s. */
  readonly requestTimeoutMs?: number;
}

/** Checkpoints in an S3 bucket (or any S3-compatible server), under a prefix. */
export class S3CheckpointStorage implements CheckpointStorage {
  readonly uri: string;
  readonly #client: S3Client;

  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    options: S3StorageOptions = {},
  ) {
    this.uri = `s3://${bucket}/${prefix}`;
    const config: S3ClientConfig = {
      region: options.region ?? process.env['AWS_REGION'] ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      maxAttempts: 2,
      requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 5_000 },
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    };
    this.#client = new S3Client(config);
  }

  /** Parses `s3://bucket/prefix`. */
  static fromUri(uri: string, options: S3StorageOptions = {}): S3CheckpointStorage {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
    if (!match) throw new Error(`${uri} is not an s3://bucket/prefix URI`);
    const prefix = (match[2] ?? '').replace(/\/+$/, '');
    return new S3CheckpointStorage(match[1] as string, prefix === '' ? '' : `${prefix}/`, options);
  }

  async put(name: string, data: Uint8Array): Promise<void> {
    await this.#client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + name, Body: data }));
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + name }));
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) names.push(object.Key.slice(this.prefix.length));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return names.sort();
  }

  async delete(names: readonly string[]): Promise<void> {
    for (let start = 0; start < names.length; start += 1000) {
      const chunk = names.slice(start, start + 1000);
      await this.#client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: chunk.map((name) => ({ Key: this.prefix + name })), Quiet: true },
        }),
      );
    }
  }

  close(): void {
    this.#client.destroy();
  }
}
