import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** A real S3-speaking server (s3rver) on 127.0.0.1, with one bucket; restartable on its port. */
export class LocalS3 {
  #server: S3rver | undefined;
  port = 0;

  private constructor(
    readonly directory: string,
    readonly bucket: string,
  ) {}

  static async start(bucket = 'checkpoints'): Promise<LocalS3> {
    const s3 = new LocalS3(await mkdtemp(join(tmpdir(), 'keyflow-s3-')), bucket);
    await s3.resume();
    return s3;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  readonly credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

  /** Starts (again) on the same port and folder. */
  async resume(): Promise<void> {
    this.#server = new S3rver({
      port: this.port,
      address: '127.0.0.1',
      silent: true,
      directory: this.directory,
      configureBuckets: [{ name: this.bucket, configs: [] }],
    });
    const address = await this.#server.run();
    this.port = address.port;
  }

  /** Stops the server, cutting open connections as an outage does; objects stay in its folder. */
  async pause(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const closing = server.close();
    // Keep-alive connections of a client would hold close() open until they idle out.
    (server as unknown as { httpServer?: Server }).httpServer?.closeAllConnections();
    await closing;
  }

  async stop(): Promise<void> {
    await this.pause();
    await rm(this.directory, { recursive: true, force: true });
  }
}
