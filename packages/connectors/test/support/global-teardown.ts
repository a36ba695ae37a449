import { rm } from 'node:fs/promises';
import { stopBroker } from './kafka-broker';

/** Stops the suite's broker and removes its folder (unless the broker was given from outside). */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env['KEYFLOW_TEST_KAFKA_DIR'];
  if (dir === undefined || dir === '' || process.env['KEYFLOW_TEST_KAFKA_STARTED'] !== '1') return;
  process.stderr.write(`stopping the test broker in ${dir}\n`);
  await stopBroker(dir);
  await rm(dir, { recursive: true, force: true });
}
