import { KeyflowError, describeError, type Logger } from '@keyflow/sdk';
import type { Ingress, IngressCheckpoint, IngressContext } from '@keyflow/runtime/kinds';
import { Backoff } from '@keyflow/runtime/kinds';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { sleep } from '../common/sleep';
import { IngressRoute } from '../common/ingress-route';
import { enqueueRecord } from '../common/record-span';
import { PressureGate } from '../common/pressure-gate';
import { createKinesisClient } from './kinesis-client';
import type { KinesisIngressConfig } from './kinesis-ingress-kind';
import { decodeKinesisPosition, encodeKinesisPosition, type ShardPosition, type ShardPositions } from './kinesis-position';
import { IngressFailure } from '../common/ingress-failure';

/** Options of {@link KinesisIngress}. */
export interface KinesisIngressOptions {
  readonly logger: Logger;
}

/** Counters of a Kinesis ingress. */
export interface KinesisIngressStats {
  readonly delivered: number;
  readonly skipped: number;
  /** Shards being read now. */
  readonly activeShards: number;
}

interface ShardState {
  readonly stream: string;
  readonly shard: Shard;
  position: ShardPosition;
  running: boolean;
  /**
   * A first start at `latest`: the first iterator is `LATEST`. The position says "from the
   * start time" (`at`), so that a restart before the first record does not skip what came
   * meanwhile.
   */
  fromLatest: boolean;
}

/**
 * StateFun's Kinesis ingress: each record's partition key names the function instance, its
 * data becomes a `TypedValue` of the stream's `valueType`, and it goes to each of the stream's
 * targets, in sequence order per shard (so in order per partition key).
 *
 * Every shard of every stream is polled (`GetRecords`) on its own; shards are listed again
 * every `shardDiscoveryInterval` to follow resharding, and a child shard is read only once its
 * parents are read to their end. The checkpoint position is the sequence number of the last
 * record handed over, per shard; on restart each shard resumes right after it. Under
 * backpressure polling waits; nothing is dropped.
 */
export class KinesisIngress implements Ingress {
  readonly id: string;
  readonly #config: KinesisIngressConfig;
  readonly #logger: Logger;
  readonly #routes: ReadonlyMap<string, IngressRoute>;
  readonly #shards = new Map<string, ShardState>();
  readonly #loops = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #unserved = new Map<string, string[]>();
  #client: KinesisClient | undefined;
  #context: IngressContext | undefined;
  #gate: PressureGate | undefined;
  #restored: ShardPositions = new Map();
  #discovery: NodeJS.Timeout | undefined;
  readonly #failure = new IngressFailure();
  #stopped = false;
  #delivered = 0;
  #skipped = 0;

  constructor(config: KinesisIngressConfig, options: KinesisIngressOptions) {
    this.id = config.id;
    this.#config = config;
    this.#logger = options.logger.child({ ingress: config.id });
    this.#routes = new Map(config.streams.map((stream) => [stream.stream, new IngressRoute(stream)]));
  }

  /** Why the ingress stopped reading, if it did. */
  get failure(): Error | undefined {
    return this.#failure.error;
  }

  /** Calls `listener` when the ingress stops on an error. */
  onFailure(listener: (error: Error) => void): void {
    this.#failure.listen(listener);
  }

  stats(): KinesisIngressStats {
    return { delivered: this.#delivered, skipped: this.#skipped, activeShards: [...this.#shards.values()].filter((shard) => shard.running).length };
  }

  async start(context: IngressContext, position: Uint8Array | undefined): Promise<void> {
    this.#context = context;
    this.#gate = new PressureGate(context);
    if (position !== undefined) this.#restored = decodeKinesisPosition(position, this.id);
    for (const [stream, route] of this.#routes) {
      const unserved = route.unserved((typename) => context.servesFunction(typename));
      if (unserved.length > 0) this.#unserved.set(stream, unserved);
    }
    this.#client = createKinesisClient(
      { region: this.#config.awsRegion, credentials: this.#config.awsCredentials, properties: this.#config.clientConfigProperties },
      this.#logger,
    );
    try {
      // On a first start, `latest` means the records after now; remembering "now" lets a
      // restart before the first record resume there instead of at a later "latest".
      await this.#discover(true, context.clock());
    } catch (error) {
      await this.stop();
      throw new KeyflowError(
        ConnectorErrorCodes.UNAVAILABLE,
        `Kinesis ingress ${this.id} could not list the shards of ${[...this.#routes.keys()].join(', ')}: ${describeError(error)}. Check the region, endpoint, credentials and stream names.`,
        { cause: error },
      );
    }
    this.#discovery = setInterval(() => {
      this.#discover(false, context.clock()).catch((error: unknown) => this.#logger.warn('listing Kinesis shards failed; retrying later', { error }));
    }, this.#config.shardDiscoveryIntervalMs);
    this.#discovery.unref();
    this.#logger.info('Kinesis ingress started', { shards: this.#shards.size, from: position ? 'checkpoint' : this.#config.startupPosition.type });
  }

  checkpoint(): IngressCheckpoint {
    const positions: ShardPositions = new Map();
    for (const state of this.#shards.values()) {
      let byShard = positions.get(state.stream);
      if (!byShard) positions.set(state.stream, (byShard = new Map<string, ShardPosition>()));
      byShard.set(state.shard.ShardId as string, state.position);
    }
    return { position: encodeKinesisPosition(positions), ops: [] };
  }

  async checkpointCommitted(): Promise<void> {
    // Kinesis keeps records for their retention period whatever consumers do: nothing to release.
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#discovery);
    this.#gate?.close();
    this.#abort.abort();
    await Promise.allSettled([...this.#loops]);
    this.#client?.destroy();
    this.#client = undefined;
  }

  /** Lists every stream's shards and starts reading those that are new and ready. */
  async #discover(initial: boolean, now: number): Promise<void> {
    for (const stream of this.#routes.keys()) {
      for (const shard of await this.#listShards(stream)) {
        const key = shardKey(stream, shard.ShardId as string);
        if (this.#shards.has(key)) continue;
        const restored = this.#restored.get(stream)?.get(shard.ShardId as string);
        const fromLatest = restored === undefined && initial && this.#config.startupPosition.type === 'latest';
        this.#shards.set(key, { stream, shard, position: restored ?? this.#initialPosition(initial, now), running: false, fromLatest });
      }
    }
    this.#startReadyShards();
  }

  #initialPosition(initial: boolean, now: number): ShardPosition {
    // Shards that appear later (resharding) are read from their start, as Flink does.
    if (!initial) return { earliest: true };
    const start = this.#config.startupPosition;
    switch (start.type) {
      case 'earliest':
        return { earliest: true };
      case 'latest':
        return { at: now };
      case 'date':
        return { at: start.epochMillis };
    }
  }

  #startReadyShards(): void {
    if (this.#stopped || this.#failure.error) return;
    for (const state of this.#shards.values()) {
      if (state.running || 'finished' in state.position) continue;
      const parents = [state.shard.ParentShardId, state.shard.AdjacentParentShardId].filter((id): id is string => typeof id === 'string');
      const waiting = parents.some((parent) => {
        const parentState = this.#shards.get(shardKey(state.stream, parent));
        return parentState !== undefined && !('finished' in parentState.position);
      });
      if (waiting) continue;
      state.running = true;
      const loop = this.#read(state).finally(() => {
        state.running = false;
        this.#loops.delete(loop);
        this.#startReadyShards();
      });
      this.#loops.add(loop);
    }
  }

  async #listShards(stream: string): Promise<Shard[]> {
    const client = this.#client as KinesisClient;
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListShardsCommand(nextToken === undefined ? { StreamName: stream } : { NextToken: nextToken }), {
        abortSignal: this.#abort.signal,
      });
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return shards;
  }

  /** Polls one shard until it ends, the ingress stops, or a record cannot be routed under `fail`. */
  async #read(state: ShardState): Promise<void> {
    const client = this.#client as KinesisClient;
    const gate = this.#gate as PressureGate;
    const route = this.#routes.get(state.stream) as IngressRoute;
    const shardId = state.shard.ShardId as string;
    const backoff = new Backoff(200, 5_000);
    let iterator: string | undefined;
    while (!this.#stopped && !this.#failure.error) {
      try {
        iterator ??= await this.#iterator(state);
        while (!gate.open) await gate.wait(1_000);
        if (this.#stopped) return;
        const result = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.#config.maxRecordsPerPoll }), {
          abortSignal: this.#abort.signal,
        });
        backoff.reset();
        const records = result.Records ?? [];
        for (const record of records) {
          if (!this.#hand(route, state, record.PartitionKey ?? '', record.Data ?? new Uint8Array(0), record.SequenceNumber as string)) return;
          state.position = { after: record.SequenceNumber as string };
        }
        iterator = result.NextShardIterator;
        if (iterator === undefined || iterator === null) {
          state.position = { finished: true };
          this.#logger.info('read a closed Kinesis shard to its end', { stream: state.stream, shardId });
          return;
        }
        if (records.length === 0 || result.MillisBehindLatest === 0) await sleep(this.#config.pollIntervalMs);
      } catch (error) {
        if (this.#stopped) return;
        const name = (error as { name?: string }).name;
        // An expired iterator (idle for 5 min, or a long pause) is renewed from the position.
        if (name === 'ExpiredIteratorException') {
          iterator = undefined;
          continue;
        }
        if (name === 'ResourceNotFoundException' && !(await this.#shardExists(state))) {
          this.#logger.warn('a Kinesis shard disappeared (stream deleted or shard expired); no longer reading it', { stream: state.stream, shardId });
          return;
        }
        if (name !== 'ProvisionedThroughputExceededException') {
          this.#logger.warn('reading a Kinesis shard failed; retrying', { stream: state.stream, shardId, attempt: backoff.attempts + 1, error });
          iterator = undefined;
        }
        await sleep(backoff.next());
      }
    }
  }

  async #iterator(state: ShardState): Promise<string> {
    const position = state.position;
    const input: GetShardIteratorCommandInput = { StreamName: state.stream, ShardId: state.shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' };
    if (state.fromLatest && 'at' in position) input.ShardIteratorType = 'LATEST';
    else if ('after' in position) Object.assign(input, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: position.after });
    else if ('at' in position) Object.assign(input, { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(position.at) });
    const result = await (this.#client as KinesisClient).send(new GetShardIteratorCommand(input), { abortSignal: this.#abort.signal });
    if (result.ShardIterator === undefined) throw new Error(`no shard iterator for ${state.stream}/${String(state.shard.ShardId)}`);
    // Renewed iterators start at the position's time, not at a later "latest".
    state.fromLatest = false;
    return result.ShardIterator;
  }

  async #shardExists(state: ShardState): Promise<boolean> {
    try {
      return (await this.#listShards(state.stream)).some((shard) => shard.ShardId === state.shard.ShardId);
    } catch {
      return true;
    }
  }

  /** Hands one record to the runtime, or applies the routing-failure policy; false to stop. */
  #hand(route: IngressRoute, state: ShardState, partitionKey: string, data: Uint8Array, sequenceNumber: string): boolean {
    const unserved = this.#unserved.get(state.stream);
    if (unserved === undefined && partitionKey !== '') {
      enqueueRecord(this.#context as IngressContext, route.envelopes(partitionKey, data), () => ({
        name: `receive ${state.stream}`,
        attributes: {
          'messaging.destination.name': state.stream,
          'messaging.destination.partition.id': state.shard.ShardId ?? '',
          'keyflow.ingress': this.id,
        },
      }));
      this.#delivered++;
      return true;
    }
    const reason = partitionKey === '' ? 'the record has no partition key' : `no endpoint serves the target function type ${(unserved ?? []).join(', ')}`;
    const where = { stream: state.stream, shardId: state.shard.ShardId, sequenceNumber };
    if (this.#config.onRoutingFailure.policy === 'skip') {
      this.#skipped++;
      this.#logger.warn('skipped a Kinesis record that cannot be routed', { ...where, reason });
      return true;
    }
    this.#fail(
      new KeyflowError(
        ConnectorErrorCodes.UNROUTABLE_RECORD,
        `Kinesis ingress ${this.id} cannot route the record in stream "${state.stream}", shard ${String(state.shard.ShardId)} with sequence number ${sequenceNumber}: ${reason}. ` +
          `The ingress stopped before it and resumes at it after a restart; fix the module, or set 'onRoutingFailure' to 'skip'.`,
      ),
    );
    return false;
  }

  #fail(error: KeyflowError): void {
    if (this.#failure.error) return;
    this.#logger.error(error.message, { code: error.code });
    this.#failure.record(error);
    this.#context?.fail(error);
  }
}

function shardKey(stream: string, shardId: string): string {
  return `${stream}\u0000${shardId}`;
}
