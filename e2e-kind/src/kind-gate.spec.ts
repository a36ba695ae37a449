// The release gate: the example app on a real kind cluster, deployed with the manifests codegen
// generates, with a real Kafka, the real function service (2 replicas) and the real runtime
// (a StatefulSet on a volume, checkpoints in an S3 server). Reached only through
// `kubectl port-forward` on 127.0.0.1. Run by tools/kind/gate.sh (`npx nx e2e e2e-kind`).
import type { Kafka } from 'kafkajs';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { APP, deployExampleApp } from './support/example-app';
import { freePort } from './support/free-port';
import { SERVICES, kafkaManifest, kinesisManifest, s3Manifest } from './support/infrastructure';
import { createTopics, kafkaClient, produceEvents, readCommitted } from './support/kafka-topics';
import { createStream, kinesisClient, putEvents, readStream } from './support/kinesis-streams';
import { apply, killPod, kubectl, podNames, rolledOut } from './support/kubectl';
import { PortForward } from './support/port-forward';
import { expectedCounts, seededWorkload, type Workload } from './support/seeded-workload';

const forwards: PortForward[] = [];
let kafka: Kafka;
let kinesis: KinesisClient;

function progress(message: string): void {
  process.stderr.write(`[e2e-kind ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function forward(target: string, remotePort: number, localPort = 0): Promise<PortForward> {
  const pf = await PortForward.start(target, remotePort, localPort);
  forwards.push(pf);
  return pf;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the counts topic until it holds as many records with the prefix as expected; returns them. */
function countsFor(prefix: string, expected: readonly string[]): Promise<string[]> {
  return readCommitted(kafka, 'counts', prefix, (values) => values.length >= expected.length);
}

beforeAll(async () => {
  const kafkaPort = await freePort();
  progress('deploying Kafka, the S3 server and kinesalite');
  await apply([kafkaManifest(kafkaPort), s3Manifest(), kinesisManifest()].join('---\n'));
  for (const name of [SERVICES.kafka.name, SERVICES.s3.name, SERVICES.kinesis.name]) await rolledOut(`deployment/${name}`);
  kafka = kafkaClient((await forward(`service/${SERVICES.kafka.name}`, SERVICES.kafka.externalPort, kafkaPort)).port);
  kinesis = kinesisClient((await forward(`service/${SERVICES.kinesis.name}`, SERVICES.kinesis.port)).port);
  await createTopics(kafka, [
    { topic: 'events', partitions: 4 },
    { topic: 'counts', partitions: 4 },
  ]);
  await createStream(kinesis, 'events', 2);
  await createStream(kinesis, 'counts', 2);
  progress('deploying the example app from apps/examples/deploy/k8s');
  await deployExampleApp();
  await rolledOut(APP.functions);
  await rolledOut(APP.runtime);
  progress('example app ready');
}, 900_000);

afterAll(() => {
  for (const pf of forwards) pf.stop();
});

describe('the example app on kind', () => {
  it('greets over the HTTP ingress Service, calling the function service', async () => {
    const http = await forward(APP.runtimeService, 8090);
    const response = await fetch(`http://127.0.0.1:${http.port}/greeter/Kind`, { method: 'POST', body: 'Kind' });
    expect(response.status).toBeLessThan(300);
    let greetings = '';
    for (let i = 0; i < 60 && !greetings.includes('Hello Kind'); i++) {
      await sleep(1000);
      greetings = await kubectl(['exec', APP.runtimePod, '--', 'node', '-e', "try { process.stdout.write(require('fs').readFileSync('/etc/out/greetings.jsonl', 'utf8')) } catch {}"]);
    }
    expect(greetings).toContain('Hello Kind, nice to meet you!');
  });

  it('counts a seeded Kafka workload and publishes each count exactly once (read_committed)', async () => {
    const workload = seededWorkload('eo', 25, 2_500, 15);
    const expected = expectedCounts(workload);
    await produceEvents(kafka, 'events', workload.events);
    expect(await countsFor('eo', expected)).toEqual(expected);
  });

  it('loses and doubles nothing when a function service pod is killed mid-run (the other replica answers)', async () => {
    const workload = seededWorkload('fnkill', 25, 3_000, 16);
    const expected = expectedCounts(workload);
    const producing = produceEvents(kafka, 'events', workload.events);
    await sleep(1500);
    const [victim] = await podNames(APP.functionsSelector);
    progress(`killing function pod ${String(victim)}`);
    await killPod(victim as string);
    await producing;
    expect(await countsFor('fnkill', expected)).toEqual(expected);
    await rolledOut(APP.functions);
  });

  it('loses and doubles nothing across a rolling update of the function Deployment under load', async () => {
    const workload = seededWorkload('roll', 25, 3_000, 17);
    const expected = expectedCounts(workload);
    const producing = produceEvents(kafka, 'events', workload.events);
    await kubectl(['rollout', 'restart', APP.functions]);
    await producing;
    await rolledOut(APP.functions);
    expect(await countsFor('roll', expected)).toEqual(expected);
  });

  it('counts a Kinesis workload from kinesalite into a Kinesis stream (at-least-once: every count, exact state)', async () => {
    const workload = seededWorkload('kin', 10, 600, 18);
    const expected = expectedCounts(workload);
    await putEvents(kinesis, 'events', workload.events);
    const values = await readStream(kinesis, 'counts', 'kin', (seen) => new Set(seen).size >= expected.length);
    expect([...new Set(values)].sort()).toEqual(expected);
  });

  it('recovers the runtime killed mid-workload on its volume, then from the S3 checkpoints once the volume is gone', async () => {
    const first = seededWorkload('crash', 20, 3_000, 19);
    const half = first.events.length / 2;
    await produceEvents(kafka, 'events', first.events.slice(0, half));
    await sleep(3000);
    progress(`killing ${APP.runtimePod} (force, no grace period)`);
    await killPod(APP.runtimePod);
    await produceEvents(kafka, 'events', first.events.slice(half));
    await rolledOut(APP.runtime);
    const expectedFirst = expectedCounts(first);
    expect(await countsFor('crash', expectedFirst)).toEqual(expectedFirst);

    progress(`deleting the claim ${APP.runtimeClaim} and ${APP.runtimePod}: the runtime must restore from S3`);
    const claimUid = (): Promise<string> => kubectl(['get', 'pvc', APP.runtimeClaim, '--ignore-not-found', '-o', 'jsonpath={.metadata.uid}']);
    const oldClaim = await claimUid();
    await kubectl(['delete', 'pvc', APP.runtimeClaim, '--wait=false']);
    await killPod(APP.runtimePod);
    // The StatefulSet may recreate the pod while the old claim is still being deleted; such a
    // pod waits for a claim that will never come, so it is killed again until a new claim exists.
    for (let i = 0; i < 180; i++) {
      const uid = await claimUid();
      if (uid !== '' && uid !== oldClaim) break;
      if (i % 10 === 9) await killPod(APP.runtimePod).catch(() => undefined);
      await sleep(1000);
    }
    expect(await claimUid()).not.toBe(oldClaim);
    await rolledOut(APP.runtime);
    const second: Workload = seededWorkload('crash', 20, 1_000, 20);
    await produceEvents(kafka, 'events', second.events);
    const expectedAll = [...expectedFirst, ...expectedCounts(second, first.perKey)].sort();
    expect(await countsFor('crash', expectedAll)).toEqual(expectedAll);
    const logs = await kubectl(['logs', APP.runtimePod]);
    expect(logs).toMatch(/s3:\/\//);
  });
});
