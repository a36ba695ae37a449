import type { Batch, KafkaMessage } from 'kafkajs';

/** An aborted transaction as a fetch response lists it. */
interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

/** A fetched record as kafkajs decodes it, with the parts of its record batch. */
type RawMessage = KafkaMessage & {
  readonly isControlRecord?: boolean;
  readonly batchContext?: { readonly producerId?: string; readonly inTransaction?: boolean };
};

type MessageList = RawMessage[] & { abortedTransactions?: readonly AbortedTransaction[] };

const FETCH_VERSIONS_WITH_ABORTED_TRANSACTIONS = ['v4', 'v5', 'v6', 'v7', 'v8', 'v9', 'v10', 'v11'];
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);
let installed: boolean | undefined;

/**
 * kafkajs 2.2 drops the records of aborted transactions from `read_committed` fetches in a way
 * that misses some when aborted transactions of several producers overlap in a partition: it
 * expects the broker's list of aborted transactions in an order the broker does not guarantee,
 * and it takes at most one of them into account per record. This keeps that list next to each
 * partition's raw records (kafkajs itself drops it), so that {@link committedMessages} can filter
 * them as Kafka's Java consumer does. It reaches into kafkajs's fetch response decoders; when
 * they are not where kafkajs 2.2 has them, it does nothing and kafkajs's own filtering applies.
 */
export function keepAbortedTransactions(): void {
  if (installed !== undefined) return;
  installed = false;
  for (const version of FETCH_VERSIONS_WITH_ABORTED_TRANSACTIONS) {
    let decoder: { decode?: (raw: Buffer) => Promise<unknown> };
    try {
      // A plain require, so that the module instance patched is the one kafkajs itself uses
      // (also under test runners with their own module registry).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      decoder = require(`kafkajs/src/protocol/requests/fetch/${version}/response`) as typeof decoder;
    } catch {
      continue;
    }
    const original = decoder.decode;
    if (typeof original !== 'function') continue;
    decoder.decode = async (raw: Buffer): Promise<unknown> => {
      const decoded = (await original(raw)) as { responses?: { partitions?: { abortedTransactions?: AbortedTransaction[]; messages?: MessageList }[] }[] };
      for (const response of decoded.responses ?? []) {
        for (const partition of response.partitions ?? []) {
          if (partition.messages && partition.abortedTransactions) {
            Object.defineProperty(partition.messages, 'abortedTransactions', { value: partition.abortedTransactions, enumerable: false });
          }
        }
      }
      return decoded;
    };
    installed = true;
  }
}

/**
 * The records of a `read_committed` batch that belong to no aborted transaction, in offset
 * order, filtered as Kafka's Java consumer does; kafkajs's own `batch.messages` when the
 * aborted-transaction list is not at hand (see {@link keepAbortedTransactions}).
 */
export function committedMessages(batch: Batch): KafkaMessage[] {
  const raw = (batch as unknown as { rawMessages?: MessageList; fetchedOffset?: string }).rawMessages;
  const aborted = raw?.abortedTransactions;
  if (!raw || !aborted) return batch.messages;
  if (aborted.length === 0) return batch.messages;
  const fetchedOffset = BigInt((batch as unknown as { fetchedOffset?: string }).fetchedOffset ?? '0');
  const pending = [...aborted].sort((a, b) => compare(BigInt(a.firstOffset), BigInt(b.firstOffset)));
  const abortedProducers = new Set<string>();
  const result: KafkaMessage[] = [];
  let next = 0;
  for (const message of raw) {
    const offset = BigInt(message.offset);
    while (next < pending.length && BigInt((pending[next] as AbortedTransaction).firstOffset) <= offset) {
      abortedProducers.add((pending[next] as AbortedTransaction).producerId);
      next++;
    }
    const producerId = message.batchContext?.producerId ?? '';
    if (message.isControlRecord === true) {
      if (message.key !== null && Buffer.from(message.key).equals(ABORT_MARKER_KEY)) abortedProducers.delete(producerId);
      continue;
    }
    if (offset < fetchedOffset) continue;
    if (message.batchContext?.inTransaction === true && abortedProducers.has(producerId)) continue;
    result.push(message);
  }
  return result;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The offset of the last record the fetch returned, control records and records of aborted
 * transactions included (undefined for an empty fetch): once a batch is handled, everything up
 * to it is, and the position may move past it so that those records are not fetched again.
 */
export function lastFetchedOffset(batch: Batch): number | undefined {
  const raw = (batch as unknown as { rawMessages?: readonly RawMessage[] }).rawMessages ?? batch.messages;
  const last = raw.at(-1);
  if (last === undefined) return undefined;
  const offset = Number(last.offset);
  const fetchedOffset = Number((batch as unknown as { fetchedOffset?: string }).fetchedOffset ?? '0');
  return offset >= fetchedOffset ? offset : undefined;
}
