import { join } from 'node:path';
import { isKeyflowError } from '@keyflow/sdk';
import { NULL_HEADER_VALUE, writeNullHeaderValues } from '../../src/kafka/null-header-value';
import { ConnectorErrorCodes, DeadLetterHeaders, type KafkaIngress } from '../../src';
import { testBroker } from '../support/kafka-broker';
import { createTopics, groupOffsets, produce, readTopic, testKafka, uniqueName } from '../support/kafka-helpers';
import { RecordingEgress } from '../support/recording-egress';
import { eventually, ingressOf, startRuntime, tempDir } from '../support/runtime-harness';

// The Kafka ingress against a real broker: routing by key to every target, per-key order,
// every startup position, resuming from checkpoints, and the routing-failure policies.

jest.setTimeout(60_000);

function ingressYaml(topic: string, group: string, extra: string[] = [], targets = ['it/recorder']): string {
  return [
    'kind: io.statefun.kafka.v1/ingress',
    'spec:',
    '  id: it/in',
    `  address: ${testBroker().bootstrap}`,
    `  consumerGroupId: ${group}`,
    '  topics:',
    `    - topic: ${topic}`,
    '      valueType: it/Text',
    '      targets:',
    ...targets.map((target) => `        - ${target}`),
    ...extra.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/** `<id>:<text>` of the recorder's lines, in arrival order. */
function received(seen: RecordingEgress, type = 'it/recorder'): string[] {
  return seen.lines.filter((line) => line.startsWith(`${type}:`)).map((line) => line.split(':').slice(2, 4).join(':'));
}

describe('Kafka ingress', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, remove } = await tempDir('keyflow-kafka-ingress-'));
  });
  afterEach(async () => {
    await remove();
  });

  it('routes each record by key to every target, in order per key', async () => {
    const topic = uniqueName('routing');
    await createTopics([topic], 3);
    const keys = Array.from({ length: 12 }, (_, index) => `user-${index}`);
    const messages = Array.from({ length: 360 }, (_, index) => ({ key: keys[index % keys.length] as string, value: `m${index}` }));
    await produce(topic, messages);

    const seen = new RecordingEgress();
    const runtime = await startRuntime(
      ingressYaml(topic, uniqueName('g'), ['startupPosition:', '  type: earliest'], ['it/recorder', 'it/auditor']),
      { stateDir: dir, egresses: [seen] },
    );
    try {
      await seen.until(messages.length * 2);
      await runtime.whenIdle();
    } finally {
      await runtime.stop();
    }
    for (const type of ['it/recorder', 'it/auditor']) {
      for (const key of keys) {
        const expected = messages.filter((message) => message.key === key).map((message, index) => `${message.value}:${index + 1}`);
        const lines = seen.lines.filter((line) => line.startsWith(`${type}:${key}:`)).map((line) => line.split(':').slice(2).join(':'));
        expect(lines).toEqual(expected);
      }
    }
    expect(seen.lines).toHaveLength(messages.length * 2);
    expect(ingressOf<KafkaIngress>(runtime, 'it/in').stats().delivered).toBe(messages.length);
  });

  it('holds back under backpressure and drops nothing', async () => {
    const topic = uniqueName('pressure');
    await createTopics([topic], 2);
    const keys = Array.from({ length: 40 }, (_, index) => `k${index}`);
    const messages = Array.from({ length: 4_000 }, (_, index) => ({ key: keys[index % keys.length] as string, value: `m${index}` }));
    await produce(topic, messages);
    const seen = new RecordingEgress();
    const runtime = await startRuntime(ingressYaml(topic, uniqueName('g'), ['startupPosition:', '  type: earliest'], ['it/recorder', 'it/auditor']), {
      stateDir: dir,
      egresses: [seen],
      maxQueuedMessages: 16,
    });
    let maxQueued = 0;
    let paused = false;
    const sampler = setInterval(() => {
      const stats = runtime.stats();
      maxQueued = Math.max(maxQueued, stats.queuedMessages);
      paused ||= stats.paused;
    }, 1);
    try {
      await seen.until(messages.length * 2, 40_000);
      await runtime.whenIdle();
    } finally {
      clearInterval(sampler);
      await runtime.stop();
    }
    expect(paused).toBe(true);
    expect(maxQueued).toBeLessThanOrEqual(16 + 2);
    expect(seen.lines).toHaveLength(messages.length * 2);
    for (const key of keys.slice(0, 5)) {
      const expected = messages.filter((message) => message.key === key).map((message, index) => `${message.value}:${index + 1}`);
      expect(seen.lines.filter((line) => line.startsWith(`it/recorder:${key}:`)).map((line) => line.split(':').slice(2).join(':'))).toEqual(expected);
    }
  });

  it('starts at the earliest, latest, specific or dated offsets, and at the group offsets by default', async () => {
    const topic = uniqueName('startup');
    await createTopics([topic], 2);
    await produce(topic, [
      { key: 'a', value: 'old-0', partition: 0 },
      { key: 'b', value: 'old-1', partition: 1 },
      { key: 'a', value: 'old-2', partition: 0 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const between = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await produce(topic, [
      { key: 'a', value: 'new-0', partition: 0 },
      { key: 'b', value: 'new-1', partition: 1 },
    ]);

    const run = async (name: string, extra: string[], group: string, produceAfterStart: string[] = []): Promise<string[]> => {
      const seen = new RecordingEgress();
      const runtime = await startRuntime(ingressYaml(topic, group, extra), { stateDir: join(dir, name), egresses: [seen] });
      try {
        if (produceAfterStart.length > 0) await produce(topic, produceAfterStart.map((value) => ({ key: 'c', value, partition: 0 })));
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await runtime.whenIdle();
      } finally {
        await runtime.stop();
      }
      return received(seen).map((line) => line.split(':')[0] as string).sort();
    };

    const date = new Date(between).toISOString().replace('T', ' ').replace('Z', ' +0000');
    const group = uniqueName('g');
    const earliest = await run('earliest', ['startupPosition:', '  type: earliest'], group);
    const latest = await run('latest', ['startupPosition:', '  type: latest'], uniqueName('g'), ['after-start']);
    const specific = await run('specific', ['startupPosition:', '  type: specific-offsets', '  offsets:', `    - ${topic}/0: 2`], uniqueName('g'));
    const dated = await run('date', ['startupPosition:', '  type: date', `  date: ${date}`], uniqueName('g'));
    // The stop of the first run committed its offsets to `group`; a fresh start there resumes after them.
    const groupResumed = await run('group', [], group, ['after-group']);
    const noGroupOffsets = await run('reset', ['autoOffsetResetPosition: earliest'], uniqueName('g'));

    expect(earliest).toEqual(['new-0', 'new-1', 'old-0', 'old-1', 'old-2']);
    expect(latest).toEqual(['after-start']);
    // Partition 0 from offset 2 (new-0, then after-start of the latest run); partition 1 has
    // no specific offset and no group offset: the reset position, latest.
    expect(specific).toEqual(['after-start', 'new-0']);
    expect(dated).toEqual(['after-start', 'new-0', 'new-1']);
    expect(groupResumed).toEqual(['after-group', 'after-start']);
    expect(noGroupOffsets).toEqual(['after-group', 'after-start', 'new-0', 'new-1', 'old-0', 'old-1', 'old-2']);
  });

  it('resumes from the checkpoint after a restart: nothing lost, nothing twice', async () => {
    const topic = uniqueName('resume');
    const group = uniqueName('g');
    await createTopics([topic], 2);
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, index) => ({ key: `k${(from + index) % 5}`, value: `v${from + index}` }));
    await produce(topic, batch(0, 50));

    const first = new RecordingEgress();
    const yaml = ingressYaml(topic, group, ['startupPosition:', '  type: earliest']);
    let runtime = await startRuntime(yaml, { stateDir: dir, egresses: [first] });
    await first.until(50);
    await runtime.whenIdle();
    await runtime.checkpoint();
    await runtime.stop();
    const committed = await groupOffsets(group, topic);
    expect((committed[0] ?? 0) + (committed[1] ?? 0)).toBe(50);

    await produce(topic, batch(50, 80));
    const second = new RecordingEgress();
    runtime = await startRuntime(yaml, { stateDir: dir, egresses: [second] });
    try {
      await second.until(30);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await runtime.whenIdle();
    } finally {
      await runtime.stop();
    }
    const values = (egress: RecordingEgress): string[] => received(egress).map((line) => line.split(':')[0] as string);
    expect(values(first).sort()).toEqual(batch(0, 50).map((m) => m.value).sort());
    expect(values(second).sort()).toEqual(batch(50, 80).map((m) => m.value).sort());
    // State survived: each key's counter goes on from where the first run left it.
    expect(received(second).filter((line) => line.startsWith('v50:'))).toEqual(['v50:11']);
  });

  it('with isolation.level read_committed, hands over no record of an aborted transaction, also when aborted transactions overlap', async () => {
    const topic = uniqueName('transactional');
    await createTopics([topic], 1);
    const kafka = testKafka();
    const producer = (transactionalId: string) => kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    const zombieId = uniqueName('tx-zombie');
    const zombie = producer(zombieId);
    await zombie.connect();
    const open = await zombie.transaction();
    await open.send({ topic, messages: [{ key: 'k', value: 'open-then-fenced' }] });
    const aborter = producer(uniqueName('tx-aborter'));
    await aborter.connect();
    const aborted = await aborter.transaction();
    await aborted.send({ topic, messages: [{ key: 'k', value: 'aborted' }] });
    await aborted.abort();
    const committer = producer(uniqueName('tx-committer'));
    await committer.connect();
    const committed = await committer.transaction();
    await committed.send({ topic, messages: [{ key: 'k', value: 'committed' }] });
    await committed.commit();
    await produce(topic, [{ key: 'k', value: 'plain' }]);
    // A new producer with the zombie's id fences it: Kafka aborts its open transaction.
    const successor = producer(zombieId);
    await successor.connect();
    await (await successor.transaction()).abort();
    await Promise.all([zombie, aborter, committer, successor].map((p) => p.disconnect()));

    const seen = new RecordingEgress();
    const runtime = await startRuntime(
      ingressYaml(topic, uniqueName('g'), ['startupPosition:', '  type: earliest', 'properties:', '  - isolation.level: read_committed']),
      { stateDir: dir, egresses: [seen] },
    );
    try {
      await seen.until(2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await runtime.whenIdle();
    } finally {
      await runtime.stop();
    }
    expect(received(seen)).toEqual(['committed:1', 'plain:2']);
  });

  describe('records that cannot be routed', () => {
    async function runWithPolicy(policy: string[], topic: string): Promise<{ seen: RecordingEgress; ingress: KafkaIngress }> {
      await createTopics([topic], 1);
      writeNullHeaderValues();
      await produce(topic, [
        { key: 'a', value: 'first' },
        // Headers that a dead-letter record keeps: a repeated key and Kafka's null value.
        { key: null, value: 'keyless', headers: { tag: ['one', 'two'], nothing: NULL_HEADER_VALUE } },
        { key: 'b', value: 'after' },
      ]);
      const seen = new RecordingEgress();
      const runtime = await startRuntime(ingressYaml(topic, uniqueName('g'), ['startupPosition:', '  type: earliest', ...policy]), {
        stateDir: dir,
        egresses: [seen],
      });
      const ingress = ingressOf<KafkaIngress>(runtime, 'it/in');
      try {
        await eventually(() => seen.lines.length >= 2 || ingress.failure !== undefined);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await runtime.whenIdle();
      } finally {
        await runtime.stop();
      }
      return { seen, ingress };
    }

    it('fail (the default): stops before the record with an error naming topic, partition and offset', async () => {
      const topic = uniqueName('fail');
      const { seen, ingress } = await runWithPolicy([], topic);
      expect(received(seen)).toEqual(['first:1']);
      expect(isKeyflowError(ingress.failure, ConnectorErrorCodes.UNROUTABLE_RECORD)).toBe(true);
      expect(ingress.failure?.message).toContain(`topic "${topic}", partition 0 at offset 1`);
    });

    it('skip: counts the record and goes on', async () => {
      const { seen, ingress } = await runWithPolicy(['onRoutingFailure:', '  policy: skip'], uniqueName('skip'));
      expect(received(seen)).toEqual(['first:1', 'after:1']);
      expect(ingress.stats()).toEqual({ delivered: 2, skipped: 1, deadLettered: 0 });
      expect(ingress.failure).toBeUndefined();
    });

    it('dead-letter: writes the record to the dead-letter topic, with why and where, and goes on', async () => {
      const topic = uniqueName('dlq-source');
      const deadLetters = uniqueName('dlq');
      await createTopics([deadLetters], 1);
      const { seen, ingress } = await runWithPolicy(['onRoutingFailure:', '  policy: dead-letter', `  topic: ${deadLetters}`], topic);
      expect(received(seen)).toEqual(['first:1', 'after:1']);
      expect(ingress.stats().deadLettered).toBe(1);
      const [record, ...more] = await readTopic(deadLetters, { count: 1 });
      expect(more).toEqual([]);
      expect(record).toMatchObject({ key: null, value: 'keyless' });
      expect(record?.headers).toMatchObject({
        [DeadLetterHeaders.INGRESS]: 'it/in',
        [DeadLetterHeaders.REASON]: 'the record has no key',
        [DeadLetterHeaders.TOPIC]: topic,
        [DeadLetterHeaders.PARTITION]: '0',
        [DeadLetterHeaders.OFFSET]: '1',
      });
      expect(record?.headerValues['tag']?.map(String)).toEqual(['one', 'two']);
      expect(record?.headerValues['nothing']).toEqual([null]);
    });

    it('treats a target that no endpoint serves as unroutable', async () => {
      const topic = uniqueName('unserved');
      await createTopics([topic], 1);
      await produce(topic, [{ key: 'a', value: 'x' }]);
      const runtime = await startRuntime(ingressYaml(topic, uniqueName('g'), ['startupPosition:', '  type: earliest'], ['it/nobody']), {
        stateDir: dir,
        egresses: [new RecordingEgress()],
      });
      const ingress = ingressOf<KafkaIngress>(runtime, 'it/in');
      try {
        expect(await eventually(() => ingress.failure !== undefined)).toBe(true);
      } finally {
        await runtime.stop();
      }
      expect(ingress.failure?.message).toContain('no endpoint serves the target function type it/nobody');
    });
  });
});
