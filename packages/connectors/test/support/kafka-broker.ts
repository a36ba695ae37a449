// The test broker: a real single-node Kafka started by tools/kafka/kafka.sh in the global
// setup, described to the test files through environment variables.

import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** tools/kafka/kafka.sh of this repository. */
export const KAFKA_SCRIPT = join(__dirname, '..', '..', '..', '..', 'tools', 'kafka', 'kafka.sh');

/** What the global setup started. */
export interface TestBroker {
  readonly bootstrap: string;
  readonly dir: string;
  readonly port: number;
  readonly controllerPort: number;
}

const ENV = {
  bootstrap: 'KEYFLOW_TEST_KAFKA_BOOTSTRAP',
  dir: 'KEYFLOW_TEST_KAFKA_DIR',
  port: 'KEYFLOW_TEST_KAFKA_PORT',
  controllerPort: 'KEYFLOW_TEST_KAFKA_CONTROLLER_PORT',
} as const;

/** Broker settings that make a one-node test broker quick to use. */
const BROKER_SETTINGS = ['offsets.topic.num.partitions=4', 'transaction.state.log.num.partitions=4', 'log.flush.interval.messages=100000'];

/** The broker of this test run. */
export function testBroker(): TestBroker {
  const bootstrap = process.env[ENV.bootstrap];
  if (bootstrap === undefined) throw new Error(`${ENV.bootstrap} is not set: run the connectors tests through their jest config, whose global setup starts Kafka.`);
  return {
    bootstrap,
    dir: process.env[ENV.dir] ?? '',
    port: Number(process.env[ENV.port]),
    controllerPort: Number(process.env[ENV.controllerPort]),
  };
}

/** Publishes `broker` to the test files (the global setup runs before the workers start). */
export function publishBroker(broker: TestBroker): void {
  process.env[ENV.bootstrap] = broker.bootstrap;
  process.env[ENV.dir] = broker.dir;
  process.env[ENV.port] = String(broker.port);
  process.env[ENV.controllerPort] = String(broker.controllerPort);
}

/** Starts (or restarts) the broker of `dir` on its ports; resolves once it answers. */
export async function startBroker(dir: string, port: number, controllerPort: number): Promise<string> {
  const settings = BROKER_SETTINGS.flatMap((setting) => ['--set', setting]);
  const { stdout } = await run(KAFKA_SCRIPT, ['start', '--dir', dir, '--port', String(port), '--controller-port', String(controllerPort), ...settings], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const bootstrap = /KAFKA_BOOTSTRAP=(\S+)/.exec(line)?.[1];
  if (bootstrap === undefined) throw new Error(`kafka.sh start printed no KAFKA_BOOTSTRAP line: ${stdout}`);
  return bootstrap;
}

/** Stops the broker of `dir` (SIGTERM, then SIGKILL after a while). */
export async function stopBroker(dir: string): Promise<void> {
  await run(KAFKA_SCRIPT, ['stop', '--dir', dir]);
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
