import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testBroker } from '../support/kafka-broker';
import { createTopics, produce, readCommittedWithJavaConsumer, uniqueName } from '../support/kafka-helpers';

// The exactly-once specs judge what a read_committed consumer sees with Kafka's own Java
// console consumer. On a loaded machine its first fetch can come late; reading up to end
// markers (not until a quiet period) keeps those specs from reading nothing. The broker is
// stalled here (SIGSTOP, then SIGCONT) to make "late" happen on purpose.

jest.setTimeout(60_000);

it('the Java read_committed reader reads every committed record even when the broker stalls as it starts', async () => {
  const out = uniqueName('out');
  await createTopics([out], 2);
  await produce(out, [
    { key: 'a', value: 'one', partition: 0 },
    { key: 'b', value: 'two', partition: 1 },
  ]);
  const brokerPid = Number(readFileSync(join(testBroker().dir, 'kafka.pid'), 'utf8').trim());
  let resume: NodeJS.Timeout | undefined;
  const stall = setTimeout(() => {
    process.kill(brokerPid, 'SIGSTOP');
    resume = setTimeout(() => process.kill(brokerPid, 'SIGCONT'), 5_000);
  }, 400);
  try {
    expect(await readCommittedWithJavaConsumer(out)).toEqual(['a:one', 'b:two']);
  } finally {
    clearTimeout(stall);
    if (resume !== undefined) {
      clearTimeout(resume);
      process.kill(brokerPid, 'SIGCONT');
    }
  }
});
