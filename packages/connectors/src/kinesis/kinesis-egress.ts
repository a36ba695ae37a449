import { KeyflowError, describeError, type Logger } from '@keyflow/sdk';
import { Backoff, type EgressRecord, type StreamingEgressSink } from '@keyflow/runtime/kinds';
import { KINESIS_EGRESS_RECORD_TYPENAME, decodeKinesisEgressRecord } from '@keyflow/sdk/protocol';
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { sleep } from '../common/sleep';
import { decodeEgressValue, type EgressValueType } from '../common/egress-value';
import { createKinesisClient } from './kinesis-client';
import type { KinesisEgressConfig } from './kinesis-egress-kind';

const KINESIS_EGRESS_RECORD: EgressValueType<ReturnType<typeof decodeKinesisEgressRecord>> = {
  system: 'Kinesis',
  typename: KINESIS_EGRESS_RECORD_TYPENAME,
  message: 'KinesisEgressRecord',
  builder: 'kinesisEgressMessage',
  decode: decodeKinesisEgressRecord,
};

/** Options of {@link KinesisEgress}. */
export interface KinesisEgressOptions {
  readonly logger: Logger;
  /** How long {@link KinesisEgress.close} waits for unacknowledged records. Default 30 s. */
  readonly closeTimeoutMs?: number;
}

interface OutgoingEntry {
  readonly stream: string;
  readonly entry: PutRecordsRequestEntry;
  readonly size: number;
}

/** Kinesis limits of one PutRecords call. */
const MAX_RECORDS_PER_REQUEST = 500;
const MAX_BYTES_PER_REQUEST = 5 * 1024 * 1024;
/** Errors that retrying does not fix. */
const FATAL_ERRORS = new Set(['ResourceNotFoundException', 'ValidationException', 'AccessDeniedException', 'InvalidArgumentException', 'KMSAccessDeniedException']);

/**
 * StateFun's generic Kinesis egress: functions send `KinesisEgressRecord`s (stream, partition
 * key, optional explicit hash key, data) and they are written with `PutRecords`.
 *
 * Kinesis has no transactions, so delivery is at-least-once: records are buffered (at most
 * `maxOutstandingRecords` unacknowledged, then writes wait), sent in requests of up to 500,
 * and every record the service rejects (throttling, an internal error) is sent again until it
 * is accepted. A record can therefore appear twice (a retried request whose first answer was
 * lost, or a runtime restarted from a checkpoint taken before it was acknowledged); Kinesis
 * gives records no id of the writer's choosing, so consumers that must not see duplicates have
 * to recognise them in the data. Retried records may also land after records sent later.
 */
export class KinesisEgress implements StreamingEgressSink {
  readonly id: string;
  readonly deliverySemantic = 'at-least-once' as const;
  readonly #config: KinesisEgressConfig;
  readonly #logger: Logger;
  readonly #closeTimeoutMs: number;
  #client: KinesisClient | undefined;
  #buffer: OutgoingEntry[] = [];
  #sending: Promise<void> | undefined;
  #outstanding = 0;
  #error: KeyflowError | undefined;
  #closed = false;

  constructor(config: KinesisEgressConfig, options: KinesisEgressOptions) {
    this.id = config.id;
    this.#config = config;
    this.#logger = options.logger.child({ egress: config.id });
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
  }

  async write(records: readonly EgressRecord[]): Promise<void> {
    this.#throwIfFailed();
    const entries = records.map((record) => this.#toEntry(record));
    for (const entry of entries) this.#buffer.push(entry);
    this.#outstanding += entries.length;
    this.#kick();
    while (this.#outstanding >= this.#config.maxOutstandingRecords && this.#sending) await this.#sending;
    this.#throwIfFailed();
  }

  /** Resolves once every record written so far is acknowledged by Kinesis. */
  async flush(): Promise<void> {
    while (this.#sending) await this.#sending;
    this.#throwIfFailed();
  }

  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const flushed = await Promise.race([
      this.flush().then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.#closeTimeoutMs))),
    ]);
    clearTimeout(timer);
    this.#closed = true;
    if (!flushed) this.#logger.error('closing the Kinesis egress before all records were acknowledged', { unsent: this.#outstanding });
    this.#client?.destroy();
    this.#client = undefined;
  }

  #toEntry(record: EgressRecord): OutgoingEntry {
    const decoded = decodeEgressValue(record, KINESIS_EGRESS_RECORD);
    if (decoded.stream === '' || decoded.partitionKey === '') {
      throw new KeyflowError(ConnectorErrorCodes.BAD_EGRESS_RECORD, `Kinesis egress ${this.id} got a KinesisEgressRecord without a stream or a partition key.`);
    }
    const entry: PutRecordsRequestEntry = { PartitionKey: decoded.partitionKey, Data: decoded.valueBytes };
    if (decoded.explicitHashKey !== '') entry.ExplicitHashKey = decoded.explicitHashKey;
    return { stream: decoded.stream, entry, size: decoded.valueBytes.length + Buffer.byteLength(decoded.partitionKey) };
  }

  #throwIfFailed(): void {
    if (this.#error) throw this.#error;
    if (this.#closed) throw new KeyflowError(ConnectorErrorCodes.CLOSED, `Kinesis egress ${this.id} is closed.`);
  }

  #kick(): void {
    this.#sending ??= this.#sendAll().finally(() => {
      this.#sending = undefined;
    });
  }

  async #sendAll(): Promise<void> {
    while (this.#buffer.length > 0 && !this.#error && !this.#closed) {
      const entries = this.#buffer;
      this.#buffer = [];
      const byStream = new Map<string, OutgoingEntry[]>();
      for (const entry of entries) {
        let list = byStream.get(entry.stream);
        if (!list) byStream.set(entry.stream, (list = []));
        list.push(entry);
      }
      for (const [stream, list] of byStream) {
        for (const request of chunk(list)) await this.#put(stream, request);
      }
    }
  }

  /** Puts one request's records, sending again those Kinesis rejects, until all are accepted. */
  async #put(stream: string, entries: OutgoingEntry[]): Promise<void> {
    const backoff = new Backoff(100, 5_000);
    let pending = entries;
    while (pending.length > 0 && !this.#closed) {
      try {
        const result = await this.#kinesis().send(new PutRecordsCommand({ StreamName: stream, Records: pending.map(({ entry }) => entry) }));
        const rejected = pending.filter((_entry, index) => result.Records?.[index]?.ErrorCode !== undefined);
        this.#outstanding -= pending.length - rejected.length;
        pending = rejected;
        if (rejected.length > 0) {
          this.#logger.debug('Kinesis rejected some records; sending them again', { stream, rejected: rejected.length });
          await sleep(backoff.next());
        }
      } catch (error) {
        const name = (error as { name?: string }).name ?? '';
        if (FATAL_ERRORS.has(name)) {
          this.#error = new KeyflowError(ConnectorErrorCodes.EGRESS_FAILED, `Kinesis egress ${this.id} cannot write to stream "${stream}": ${describeError(error)}.`, {
            cause: error,
          });
          return;
        }
        this.#logger.warn('writing to Kinesis failed; retrying', { stream, records: pending.length, attempt: backoff.attempts + 1, error });
        await sleep(backoff.next());
      }
    }
  }

  #kinesis(): KinesisClient {
    this.#client ??= createKinesisClient(
      { region: this.#config.awsRegion, credentials: this.#config.awsCredentials, properties: this.#config.clientConfigProperties },
      this.#logger,
    );
    return this.#client;
  }
}

function* chunk(entries: readonly OutgoingEntry[]): Generator<OutgoingEntry[]> {
  let current: OutgoingEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length === MAX_RECORDS_PER_REQUEST || (current.length > 0 && bytes + entry.size > MAX_BYTES_PER_REQUEST)) {
      yield current;
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.size;
  }
  if (current.length > 0) yield current;
}
