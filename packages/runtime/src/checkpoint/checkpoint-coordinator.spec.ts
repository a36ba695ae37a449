import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyflowError, silentLogger } from '@keyflow/sdk';
import { addressKey } from '../message/address-key';
import { decodeEnvelopes } from '../message/envelope';
import { EgressRouter } from '../egress/egress-router';
import type { TransactionalEgressSink } from '../egress/transactional-egress-sink';
import { TransactionalFileEgress } from '../egress/transactional-file-egress';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { AddressState } from '../state/address-state';
import { CapturingEgress } from '../test-support/capturing-egress';
import type { ControllableBackend } from '../test-support/controllable-backend';
import { dispatcherHarness, type DispatcherHarness } from '../test-support/dispatcher-harness';
import { FakeIngress } from '../test-support/fake-ingress';
import { FlakyEgressSink } from '../test-support/flaky-egress-sink';
import { flushPromises } from '../test-support/flush-promises';
import { address, stringValue, textOf } from '@keyflow/sdk/test-support';
import { envelope } from '../test-support/envelopes';
import { useTempDir } from '../test-support/temp-dir';
import { CheckpointArchive } from './checkpoint-archive';
import { CheckpointCoordinator } from './checkpoint-coordinator';
import { FolderCheckpointStorage } from './folder-storage';
import { CHECKPOINT_MARKER_KEY, MAILBOXES_KEY, pendingEgressKey } from '../state/keyspace';
import { decodePendingEgress } from './pending-egress-codec';

const COUNTER = 'test/counter';
const EXACT = 'test/exact';
const LOOSE = 'test/loose';

interface Runtime {
  readonly h: DispatcherHarness;
  readonly sink: FlakyEgressSink;
  readonly loose: CapturingEgress;
  readonly router: EgressRouter;
  readonly ingress: FakeIngress;
  readonly coordinator: CheckpointCoordinator;
  readonly fatal: Error[];
}

/** The parts a checkpoint covers, on fakes; pass `backend` to build a "restarted" runtime on the same storage. */
function runtime(options: { backend?: ControllableBackend; exactSink?: TransactionalEgressSink; archive?: CheckpointArchive } = {}): Runtime {
  const sink = new FlakyEgressSink(options.exactSink ?? new CapturingEgress(EXACT, 'exactly-once'));
  const loose = new CapturingEgress(LOOSE, 'at-least-once');
  const fatal: Error[] = [];
  const router = new EgressRouter([sink, loose], silentLogger, (error) => fatal.push(error));
  const h = dispatcherHarness({
    functions: { [COUNTER]: 1_000 },
    egressRouter: router,
    ...(options.backend ? { backend: options.backend } : {}),
  });
  const ingress = new FakeIngress('test/ingress');
  const coordinator = new CheckpointCoordinator({
    backend: h.backend,
    state: h.state,
    timers: h.timers,
    dispatcher: h.dispatcher,
    ingresses: [ingress],
    egress: router,
    logger: silentLogger,
    clock: h.clock.read,
    ...(options.archive ? { archive: options.archive } : {}),
  });
  return { h, sink, loose, router, ingress, coordinator, fatal };
}

function stateWith(text: string): AddressState {
  const { typename, value } = stringValue(text);
  return new Map([['v', { typename, value, writtenAt: 1, accessedAt: 1 }]]);
}

const exactRecord = (text: string) => ({ egress: EXACT, value: stringValue(text) });
const target = (id: string) => address(COUNTER, id);
const key = (id: string) => addressKey(target(id));

async function storedMailboxes(backend: ControllableBackend): Promise<string[]> {
  const bytes = await backend.peekStored(MAILBOXES_KEY);
  return bytes ? decodeEnvelopes(bytes).map((message) => `${message.target.id}:${textOf(message.argument)}`) : [];
}

async function storedMarker(backend: ControllableBackend): Promise<unknown> {
  const bytes = await backend.peekStored(CHECKPOINT_MARKER_KEY);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown) : undefined;
}

async function storedEgress(backend: ControllableBackend, checkpointId: number): Promise<string[] | undefined> {
  const bytes = await backend.peekStored(pendingEgressKey(checkpointId));
  if (!bytes) return undefined;
  return [...decodePendingEgress(bytes).values()].flat().map((record) => textOf(record.value));
}

const committedTexts = (sink: CapturingEgress) =>
  sink.committed.map((commit) => [commit.checkpointId, commit.records.map((record) => textOf(record.value))]);

describe('CheckpointCoordinator', () => {
  const dir = useTempDir('checkpoint');

  it('commits when asked, after the asking synchronous step, once for the requests of one step and once more for those during a commit', async () => {
    const { h, ingress, coordinator } = runtime();
    ingress.position = '1';
    coordinator.requestCommit();
    // Not within the caller's step: it may be half-way through applying a response.
    ingress.position = '2';
    coordinator.requestCommit();
    expect(ingress.committed).toEqual([]);
    h.backend.holdWrites();
    await flushPromises();
    expect(h.backend.heldWrites).toBe(1);
    ingress.position = '3';
    coordinator.requestCommit(); // during a commit: one more after it
    coordinator.requestCommit();
    h.backend.releaseWrites();
    await flushPromises();
    h.backend.releaseWrites();
    await flushPromises();
    expect(ingress.committed).toEqual(['2', '3']);
    expect(coordinator.lastCheckpointId).toBe(2);
  });

  it('with checkpoint storage, holds back on a local commit what leaves the machine: egress waits and input is not released until the next checkpoint', async () => {
    const storage = new FolderCheckpointStorage(join(dir.path, 'archive'));
    const { router, sink, ingress, coordinator } = runtime({ archive: new CheckpointArchive(storage) });
    router.emit(exactRecord('in-commit'));
    ingress.position = '1';
    coordinator.requestCommit();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(coordinator.lastCheckpointId).toBe(1);
    expect(await storage.list('deltas/')).toEqual([]);
    expect(ingress.committedLocallyPositions).toEqual(['1']);
    expect(ingress.committed).toEqual([]);
    expect(committedTexts(sink.inner as CapturingEgress)).toEqual([]);

    router.emit(exactRecord('in-checkpoint'));
    ingress.position = '2';
    await coordinator.checkpoint();
    expect(committedTexts(sink.inner as CapturingEgress)).toEqual([
      [1, ['in-commit']],
      [2, ['in-checkpoint']],
    ]);
    expect(ingress.committed).toEqual(['2']);
    expect(await storage.list('deltas/')).toEqual(['deltas/0000000000000002.bin', 'deltas/0000000000000002.json']);
  });

  it('captures, at the instant it is called, exactly the state, mailboxes, timers, positions and egress of that instant', async () => {
    const { h, router, ingress, coordinator } = runtime();
    const endpoint = h.endpoint(COUNTER);
    endpoint.hold();
    h.dispatcher.enqueue(envelope(target('a'), 'a1'));
    await endpoint.waitForCalls(1);
    h.dispatcher.enqueue(envelope(target('a'), 'a2'));
    h.dispatcher.enqueue(envelope(target('b'), 'b1'));
    h.state.write(key('a'), stateWith('before'));
    h.state.write(key('gone'), null);
    h.timers.schedule(key('a'), 'tok', envelope(target('z'), 'timer-before'), h.clock.now + 1_000);
    router.emit(exactRecord('egress-before'));
    ingress.position = '5';
    ingress.pendingOps = [{ type: 'put', key: 'k1', value: Buffer.from('1') }];

    h.backend.holdWrites();
    const taking = coordinator.checkpoint();
    // Everything below happens after the instant and belongs to the next checkpoint.
    h.dispatcher.enqueue(envelope(target('c'), 'c1'));
    h.state.write(key('a'), stateWith('after'));
    h.timers.schedule(key('a'), '', envelope(target('z'), 'timer-after'), h.clock.now + 2_000);
    router.emit(exactRecord('egress-after'));
    ingress.position = '6';
    await flushPromises();
    expect(h.backend.heldWrites).toBe(1);
    h.backend.releaseWrites();
    const result = await taking;

    expect(result).toMatchObject({ checkpointId: 1, addresses: 2, messages: 3 });
    expect(await storedMailboxes(h.backend)).toEqual(['a:a1', 'a:a2', 'b:b1']);
    expect(await h.backend.keys('s/')).toEqual([`s/${key('a')}`]);
    expect(h.backend.writes[0]?.find((op) => op.key === `s/${key('gone')}`)?.type).toBe('del');
    expect(await h.backend.keys('t/')).toHaveLength(1);
    expect(await storedEgress(h.backend, 1)).toEqual(['egress-before']);
    expect(Buffer.from((await h.backend.peekStored('m/ingress/test/ingress'))!).toString()).toBe('5');
    expect(await h.backend.keys('i/')).toEqual(['i/test/ingress\u0000k1']);
    expect(await storedMarker(h.backend)).toMatchObject({ checkpointId: 1, time: h.clock.now });
    expect(ingress.committed).toEqual(['5']);

    endpoint.release();
    await h.dispatcher.whenIdle();
    const second = await coordinator.checkpoint();
    expect(second.checkpointId).toBe(2);
    expect(await storedMailboxes(h.backend)).toEqual([]);
    expect(await h.backend.keys('t/')).toHaveLength(2);
    expect(await storedEgress(h.backend, 2)).toEqual(['egress-after']);
    expect(ingress.committed).toEqual(['5', '6']);
    expect(coordinator.lastCheckpointId).toBe(2);
  });

  it('recovers the mailboxes, timers and ingress positions of the last committed checkpoint', async () => {
    const first = runtime();
    const endpoint = first.h.endpoint(COUNTER);
    endpoint.hold();
    first.h.dispatcher.enqueue(envelope(target('a'), 'a1'));
    await endpoint.waitForCalls(1);
    first.h.dispatcher.enqueue(envelope(target('a'), 'a2'));
    first.h.timers.schedule(key('a'), 'tok', envelope(target('b'), 'later'), first.h.clock.now + 500);
    first.ingress.position = '42';
    await first.coordinator.checkpoint();

    const restarted = runtime({ backend: first.h.backend });
    const recovered = await restarted.coordinator.recover();
    expect(recovered.checkpointId).toBe(1);
    expect(recovered.mailboxes.map((message) => textOf(message.argument))).toEqual(['a1', 'a2']);
    expect(recovered.timers).toEqual([
      { id: 1, dueAt: first.h.clock.now + 500, owner: key('a'), token: 'tok', envelope: envelope(target('b'), 'later') },
    ]);
    expect([...recovered.ingressPositions].map(([id, position]) => [id, Buffer.from(position).toString()])).toEqual([
      ['test/ingress', '42'],
    ]);
    expect(restarted.coordinator.lastCheckpointId).toBe(1);
    expect((await restarted.coordinator.checkpoint()).checkpointId).toBe(2);
  });

  it('recovers nothing from an empty backend', async () => {
    const { coordinator } = runtime();
    const recovered = await coordinator.recover();
    expect(recovered).toEqual({ checkpointId: 0, mailboxes: [], timers: [], ingressPositions: new Map() });
  });

  it('carries what a checkpoint whose backend write failed captured into the next one', async () => {
    const { h, router, sink, ingress, coordinator } = runtime();
    h.state.write(key('a'), stateWith('failed-one'));
    h.timers.schedule(key('a'), '', envelope(target('z'), 'timer-1'), h.clock.now + 100);
    router.emit(exactRecord('egress-1'));
    ingress.position = '1';
    ingress.pendingOps = [{ type: 'put', key: 'k1', value: Buffer.from('1') }];
    h.backend.failNextWrite();

    await expect(coordinator.checkpoint()).rejects.toMatchObject({ code: RuntimeErrorCodes.STATE_BACKEND_FAILED });
    expect(await h.backend.keys()).toEqual([]);
    expect(sink.attempts).toEqual([]);
    expect(ingress.committed).toEqual([]);
    expect(coordinator.lastCheckpointId).toBe(0);

    h.state.write(key('b'), stateWith('next-one'));
    h.timers.schedule(key('b'), '', envelope(target('z'), 'timer-2'), h.clock.now + 200);
    router.emit(exactRecord('egress-2'));
    ingress.position = '2';
    const result = await coordinator.checkpoint();

    expect(result.checkpointId).toBe(1);
    expect(await h.backend.keys('s/')).toEqual([`s/${key('a')}`, `s/${key('b')}`]);
    expect(await h.backend.keys('t/')).toHaveLength(2);
    expect(await h.backend.keys('i/')).toEqual(['i/test/ingress\u0000k1']);
    expect(committedTexts(sink.inner as CapturingEgress)).toEqual([[1, ['egress-1', 'egress-2']]]);
    expect(ingress.committed).toEqual(['2']);
  });

  it('delivers exactly-once egress only after the backend write, and forgets it in the next checkpoint', async () => {
    const { h, router, sink, loose, coordinator } = runtime();
    const capturing = sink.inner as CapturingEgress;
    router.emit(exactRecord('exact-1'));
    router.emit({ egress: LOOSE, value: stringValue('loose-1') });
    await router.flush();
    expect(loose.written.map((record) => textOf(record.value))).toEqual(['loose-1']);

    h.backend.holdWrites();
    const taking = coordinator.checkpoint();
    await flushPromises();
    expect(capturing.committed).toEqual([]);
    h.backend.releaseWrites();
    await taking;
    expect(committedTexts(capturing)).toEqual([[1, ['exact-1']]]);
    expect(await storedEgress(h.backend, 1)).toEqual(['exact-1']);

    await coordinator.checkpoint();
    expect(await h.backend.keys('e/')).toEqual([]);
    expect(sink.attempts).toEqual([1]);
  });

  it('keeps forgetting delivered egress across a failed checkpoint', async () => {
    const { h, router, coordinator } = runtime();
    router.emit(exactRecord('exact-1'));
    await coordinator.checkpoint();
    h.backend.failNextWrite();
    await expect(coordinator.checkpoint()).rejects.toBeInstanceOf(KeyflowError);
    expect(await h.backend.keys('e/')).toEqual([pendingEgressKey(1)]);
    await coordinator.checkpoint();
    expect(await h.backend.keys('e/')).toEqual([]);
  });

  it('delivers again, on recovery, the egress of a checkpoint that was durable but not delivered before a crash', async () => {
    const crashed = runtime();
    crashed.router.emit(exactRecord('exact-1'));
    crashed.router.emit(exactRecord('exact-2'));
    crashed.sink.failNextCommit(new KeyflowError(RuntimeErrorCodes.EGRESS_FAILED, 'the process died here'));
    await expect(crashed.coordinator.checkpoint()).rejects.toMatchObject({ code: RuntimeErrorCodes.EGRESS_FAILED });
    expect(await storedMarker(crashed.h.backend)).toMatchObject({ checkpointId: 1 });
    expect(committedTexts(crashed.sink.inner as CapturingEgress)).toEqual([]);

    const restarted = runtime({ backend: crashed.h.backend });
    const recovered = await restarted.coordinator.recover();
    expect(recovered.checkpointId).toBe(1);
    expect(committedTexts(restarted.sink.inner as CapturingEgress)).toEqual([[1, ['exact-1', 'exact-2']]]);
    expect(await restarted.h.backend.keys('e/')).toEqual([]);

    const again = runtime({ backend: crashed.h.backend });
    await again.coordinator.recover();
    expect(again.sink.attempts).toEqual([]);
  });

  it('delivers exactly-once egress in checkpoint order after a failed delivery, so an idempotent sink loses nothing', async () => {
    const path = join(dir.path, 'out.jsonl');
    const fileSink = (): TransactionalFileEgress =>
      new TransactionalFileEgress({ kind: 'file-egress', source: { file: '/test/module.yaml', line: 1 }, id: EXACT, path, deliverySemantic: 'exactly-once' });
    const first = runtime({ exactSink: fileSink() });
    first.router.emit(exactRecord('r1'));
    first.sink.failNextCommit(new KeyflowError(RuntimeErrorCodes.EGRESS_FAILED, 'transient outage'));
    await expect(first.coordinator.checkpoint()).rejects.toMatchObject({ code: RuntimeErrorCodes.EGRESS_FAILED });

    first.router.emit(exactRecord('r2'));
    await first.coordinator.checkpoint();
    await first.router.close();
    expect(first.sink.attempts).toEqual([1, 1, 2]);

    // A crash now, and a restart: recovery must not leave checkpoint 1's records behind.
    const restarted = runtime({ backend: first.h.backend, exactSink: fileSink() });
    await restarted.coordinator.recover();
    await restarted.router.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { value: string }).value)).toEqual(['r1', 'r2']);
  });

  it('runs one checkpoint at a time: a second call waits for the first and takes its own instant', async () => {
    const { h, ingress, coordinator } = runtime();
    h.backend.holdWrites();
    ingress.position = 'p1';
    const first = coordinator.checkpoint();
    const second = coordinator.checkpoint();
    ingress.position = 'p2';
    await flushPromises();
    expect(h.backend.heldWrites).toBe(1);
    h.backend.releaseWrites();
    expect((await first).checkpointId).toBe(1);
    expect((await second).checkpointId).toBe(2);
    expect(ingress.committed).toEqual(['p1', 'p2']);
  });
});
