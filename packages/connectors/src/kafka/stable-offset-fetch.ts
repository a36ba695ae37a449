import type { Kafka } from 'kafkajs';

/**
 * Reads a consumer group's committed offsets with OffsetFetch v7's `require_stable` (KIP-447):
 * while a transaction that commits offsets for a partition is not completed and applied by the
 * group coordinator, the broker answers UNSTABLE_OFFSET_COMMIT for that partition instead of
 * the offset committed before it, and the read waits and asks again.
 *
 * Without it a read right after a transaction completed can return the previous offset: Kafka's
 * group coordinator applies a transaction's offsets to its cache after the transaction's markers
 * are written (asynchronously before Kafka 3.9.1/4.0, KAFKA-17507), and after a restart it
 * loads them while the markers may still be on their way. kafkajs 2.2 speaks OffsetFetch up to
 * v4, without `require_stable`, so this sends v7 itself over a kafkajs broker connection. It
 * reaches into kafkajs (its cluster factory and connections, as in kafkajs 2.2); when they are
 * not where kafkajs 2.2 has them, or the broker does not speak v7 (before Kafka 2.5), it answers
 * `undefined` and the caller reads the plain way.
 */
export async function fetchStableOffsets(kafka: Kafka, request: StableOffsetRequest): Promise<Map<number, bigint> | undefined> {
  const cluster = createCluster(kafka);
  if (!cluster) return undefined;
  await cluster.connect();
  try {
    const deadline = Date.now() + request.timeoutMs;
    for (let wait = 50; ; wait = Math.min(wait * 2, 1_000)) {
      const coordinator = await cluster.findGroupCoordinator({ groupId: request.groupId });
      const range = coordinator.versions?.[OFFSET_FETCH];
      if (!range || range.maxVersion < REQUIRE_STABLE_VERSION) return undefined;
      const answer = await coordinator.connectionPool.send(offsetFetchV7(request));
      if (answer.errorCode !== 0) throw kafkaError(answer.errorCode);
      const unstable = answer.partitions.some((partition) => partition.errorCode === UNSTABLE_OFFSET_COMMIT);
      const failed = answer.partitions.find((partition) => partition.errorCode !== 0 && partition.errorCode !== UNSTABLE_OFFSET_COMMIT);
      if (failed) throw kafkaError(failed.errorCode);
      if (!unstable) return new Map(answer.partitions.map((partition) => [partition.partition, partition.offset]));
      if (Date.now() + wait > deadline) {
        throw new Error(
          `the offsets of consumer group ${request.groupId} stayed unstable (a transaction committing them is not completed) for ${request.timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}

/** What {@link fetchStableOffsets} reads. */
export interface StableOffsetRequest {
  readonly groupId: string;
  readonly topic: string;
  readonly partitions: readonly number[];
  /** How long to wait for pending transactional offsets before failing. */
  readonly timeoutMs: number;
}

const OFFSET_FETCH = 9;
const REQUIRE_STABLE_VERSION = 7;
const UNSTABLE_OFFSET_COMMIT = 88;

/** The parts of kafkajs 2.2's Cluster and Broker this uses. */
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(options: { groupId: string }): Promise<InternalBroker>;
}

interface InternalBroker {
  readonly versions?: Readonly<Record<number, { readonly minVersion: number; readonly maxVersion: number }>>;
  readonly connectionPool: { send(request: ProtocolRequest): Promise<OffsetFetchAnswer> };
}

/** A request as kafkajs's connections send it: the body after the request header's client id. */
interface ProtocolRequest {
  readonly request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<unknown> };
  readonly response: { decode(payload: Buffer): Promise<OffsetFetchAnswer>; parse(answer: OffsetFetchAnswer): Promise<OffsetFetchAnswer> };
}

interface OffsetFetchAnswer {
  readonly errorCode: number;
  readonly partitions: readonly { readonly partition: number; readonly offset: bigint; readonly errorCode: number }[];
}

function createCluster(kafka: Kafka): InternalCluster | undefined {
  const key = Object.getOwnPropertySymbols(kafka).find((symbol) => symbol.description === 'private:Kafka:createCluster');
  const create = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key];
  if (typeof create !== 'function') return undefined;
  return (create as (options: object) => InternalCluster)({ metadataMaxAge: 300_000, allowAutoTopicCreation: false });
}

/** OffsetFetch v7 (flexible): group_id, topics [name, partition_indexes], require_stable = true. */
function offsetFetchV7(request: StableOffsetRequest): ProtocolRequest {
  return {
    request: {
      apiKey: OFFSET_FETCH,
      apiVersion: REQUIRE_STABLE_VERSION,
      apiName: 'OffsetFetch',
      encode: async () => {
        const body = new FlexibleWriter()
          .taggedFields() // the rest of request header v2, after kafkajs's client id
          .compactString(request.groupId)
          .uvarint(2) // one topic
          .compactString(request.topic)
          .uvarint(request.partitions.length + 1);
        for (const partition of request.partitions) body.int32(partition);
        body.taggedFields().boolean(true).taggedFields();
        return kafkajsEncoder(body.bytes());
      },
    },
    response: {
      decode: async (payload) => readOffsetFetchV7(payload, request.topic),
      parse: async (answer) => answer,
    },
  };
}

/** Response v7 after response header v1's correlation id: tagged fields, throttle time, topics, error code. */
function readOffsetFetchV7(payload: Buffer, topic: string): OffsetFetchAnswer {
  const reader = new FlexibleReader(payload);
  reader.skipTaggedFields();
  reader.int32(); // throttle_time_ms
  const partitions: { partition: number; offset: bigint; errorCode: number }[] = [];
  for (let topics = reader.uvarint() - 1; topics > 0; topics--) {
    const name = reader.compactString();
    for (let count = reader.uvarint() - 1; count > 0; count--) {
      const partition = reader.int32();
      const offset = reader.int64();
      reader.int32(); // committed_leader_epoch
      reader.compactString(); // metadata
      const errorCode = reader.int16();
      reader.skipTaggedFields();
      if (name === topic) partitions.push({ partition, offset, errorCode });
    }
    reader.skipTaggedFields();
  }
  const errorCode = reader.int16();
  return { errorCode, partitions };
}

/** kafkajs's error for a Kafka error code, with its `type` and `retriable` (a loading coordinator is). */
function kafkaError(code: number): Error {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode: (code: number) => Error };
  return createErrorFromCode(code);
}

/** kafkajs's request writer takes its own Encoder: one holding `bytes`. */
function kafkajsEncoder(bytes: Buffer): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Encoder = require('kafkajs/src/protocol/encoder') as new () => { writeBuffer(value: Buffer): unknown };
  const encoder = new Encoder();
  encoder.writeBuffer(bytes);
  return encoder;
}

class FlexibleWriter {
  readonly #chunks: Buffer[] = [];

  uvarint(value: number): this {
    const bytes: number[] = [];
    let rest = value >>> 0;
    while (rest >= 0x80) {
      bytes.push((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    bytes.push(rest);
    this.#chunks.push(Buffer.from(bytes));
    return this;
  }

  compactString(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    this.uvarint(bytes.length + 1);
    this.#chunks.push(bytes);
    return this;
  }

  int32(value: number): this {
    const bytes = Buffer.alloc(4);
    bytes.writeInt32BE(value);
    this.#chunks.push(bytes);
    return this;
  }

  boolean(value: boolean): this {
    this.#chunks.push(Buffer.from([value ? 1 : 0]));
    return this;
  }

  /** An empty tagged-field section. */
  taggedFields(): this {
    return this.uvarint(0);
  }

  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

class FlexibleReader {
  #offset = 0;

  constructor(private readonly buffer: Buffer) {}

  uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buffer.readUInt8(this.#offset++);
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
  }

  int16(): number {
    const value = this.buffer.readInt16BE(this.#offset);
    this.#offset += 2;
    return value;
  }

  int32(): number {
    const value = this.buffer.readInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }

  int64(): bigint {
    const value = this.buffer.readBigInt64BE(this.#offset);
    this.#offset += 8;
    return value;
  }

  /** A compact nullable string; null reads as ''. */
  compactString(): string {
    const length = this.uvarint() - 1;
    if (length <= 0) return '';
    const value = this.buffer.toString('utf8', this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }

  skipTaggedFields(): void {
    for (let count = this.uvarint(); count > 0; count--) {
      this.uvarint(); // tag
      this.#offset += this.uvarint(); // size, then the data
    }
  }
}
