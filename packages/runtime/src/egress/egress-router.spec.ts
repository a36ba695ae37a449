import { silentLogger } from '@keyflow/sdk';
import { CapturingEgress } from '../test-support/capturing-egress';
import { flushPromises } from '../test-support/flush-promises';
import { stringValue, textOf } from '@keyflow/sdk/test-support';
import type { DeliverySemantic } from '../config/module-config';
import type { EgressRecord } from './egress-record';
import { deferred, type Deferred } from '../test-support/deferred';
import { NO_OBSERVER } from '../metrics/runtime-observer';
import { EgressBacklog } from './egress-backlog';
import { EgressRouter, type PendingEgress } from './egress-router';

/** An exactly-once sink that stages: it notes every call, in order, as text. */
class StagingSink extends CapturingEgress {
  readonly calls: string[] = [];

  constructor(id: string, semantic: DeliverySemantic = 'exactly-once') {
    super(id, semantic);
  }

  stage(records: readonly EgressRecord[]): void {
    this.calls.push(`stage ${records.map((record) => textOf(record.value)).join(',')}`);
  }

  seal(checkpointId: number): void {
    this.calls.push(`seal ${checkpointId}`);
  }

  reopen(): void {
    this.calls.push('reopen');
  }
}

/** A sink whose writes and commits resolve only when the test says so. */
class GatedSink extends CapturingEgress {
  readonly gates: Deferred<void>[] = [];

  override async write(records: readonly EgressRecord[]): Promise<void> {
    const gate = deferred();
    this.gates.push(gate);
    await gate.promise;
    await super.write(records);
  }

  override async commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void> {
    const gate = deferred();
    this.gates.push(gate);
    await gate.promise;
    await super.commit(checkpointId, records);
  }
}

const record = (egress: string, text: string): EgressRecord => ({ egress, value: stringValue(text) });
const texts = (pending: PendingEgress, egress: string) => (pending.get(egress) ?? []).map((taken) => textOf(taken.value));

describe('EgressRouter', () => {
  it('stages exactly-once records with a staging sink as they come, one call per event-loop turn, and keeps them for the checkpoint', async () => {
    const sink = new StagingSink('test/exact');
    const router = new EgressRouter([sink], silentLogger, () => undefined);
    router.emit(record('test/exact', 'a'));
    router.emit(record('test/exact', 'b'));
    expect(sink.calls).toEqual([]);
    await flushPromises();
    expect(sink.calls).toEqual(['stage a,b']);
    router.emit(record('test/exact', 'c'));
    await flushPromises();
    expect(sink.calls).toEqual(['stage a,b', 'stage c']);
    expect(texts(router.takePending(1), 'test/exact')).toEqual(['a', 'b', 'c']);
  });

  it('stages what is still unstaged and then seals at the checkpoint instant; later records belong to the next checkpoint', async () => {
    const sink = new StagingSink('test/exact');
    const router = new EgressRouter([sink], silentLogger, () => undefined);
    router.emit(record('test/exact', 'a'));
    const pending = router.takePending(7);
    expect(sink.calls).toEqual(['stage a', 'seal 7']);
    expect(texts(pending, 'test/exact')).toEqual(['a']);
    router.emit(record('test/exact', 'b'));
    await flushPromises();
    expect(sink.calls).toEqual(['stage a', 'seal 7', 'stage b']);
    expect(texts(router.takePending(8), 'test/exact')).toEqual(['b']);
  });

  it('reopens the sealed records of a checkpoint that failed, ahead of newer ones, with the router and the sink alike', async () => {
    const sink = new StagingSink('test/exact');
    const router = new EgressRouter([sink], silentLogger, () => undefined);
    router.emit(record('test/exact', 'a'));
    const failed = router.takePending(1);
    router.emit(record('test/exact', 'b'));
    router.restorePending(failed);
    expect(sink.calls).toEqual(['stage a', 'seal 1', 'reopen']);
    expect(texts(router.takePending(1), 'test/exact')).toEqual(['a', 'b']);
    // 'b' was emitted before the reopen and staged with the retried checkpoint's records.
    expect(sink.calls).toEqual(['stage a', 'seal 1', 'reopen', 'stage b', 'seal 1']);
  });

  it('stages nothing with a sink that is not exactly-once, or cannot stage', async () => {
    const loose = new StagingSink('test/loose', 'at-least-once');
    const plain = new CapturingEgress('test/plain', 'exactly-once');
    const router = new EgressRouter([loose, plain], silentLogger, () => undefined);
    router.emit(record('test/loose', 'l'));
    router.emit(record('test/plain', 'p'));
    await flushPromises();
    const pending = router.takePending(1);
    expect(loose.calls).toEqual([]);
    expect(loose.written.map((written) => textOf(written.value))).toEqual(['l']);
    expect(texts(pending, 'test/plain')).toEqual(['p']);
  });

  describe('backlog', () => {
    const backlogged = () => new EgressBacklog({ maxRecords: 3, maxBytes: 1_000_000 });

    it('counts records of an at-least-once sink from emit until their write resolved', async () => {
      const sink = new GatedSink('test/slow', 'at-least-once');
      const router = new EgressRouter([sink], silentLogger, () => undefined, NO_OBSERVER, backlogged());
      router.emit(record('test/slow', 'a'));
      router.emit(record('test/slow', 'b'));
      await flushPromises();
      router.emit(record('test/slow', 'c'));
      expect(router.backlog.stats()).toMatchObject({ records: 3, full: true });
      sink.gates[0]?.resolve();
      await flushPromises();
      expect(router.backlog.stats()).toMatchObject({ records: 1, full: false });
      await flushPromises();
      sink.gates[1]?.resolve();
      await router.flush();
      expect(router.backlog.stats()).toMatchObject({ records: 0, bytes: 0, full: false, timesFull: 1 });
      expect(sink.written.map((written) => textOf(written.value))).toEqual(['a', 'b', 'c']);
    });

    it('counts exactly-once records until their checkpoint is committed, across a failed checkpoint and a retried commit', async () => {
      const first = new GatedSink('test/one', 'exactly-once');
      const second = new GatedSink('test/two', 'exactly-once');
      const router = new EgressRouter([first, second], silentLogger, () => undefined, NO_OBSERVER, backlogged());
      router.emit(record('test/one', 'a'));
      router.emit(record('test/two', 'b'));
      router.restorePending(router.takePending(1)); // a checkpoint that failed
      const pending = router.takePending(1);
      expect(router.backlog.stats().records).toBe(2);

      // The first sink commits, the second fails: the retry commits both again, released once.
      const attempt = router.commit(1, pending);
      first.gates[0]?.resolve();
      await flushPromises();
      second.gates[0]?.reject(new Error('broker away'));
      await expect(attempt).rejects.toThrow('broker away');
      expect(router.backlog.stats().records).toBe(1);
      const retry = router.commit(1, pending);
      first.gates[1]?.resolve();
      await flushPromises();
      second.gates[1]?.resolve();
      await retry;
      expect(router.backlog.stats()).toMatchObject({ records: 0, bytes: 0 });
    });

    it('does not count records of a checkpoint restored after a restart, which it never held', async () => {
      const sink = new CapturingEgress('test/exact', 'exactly-once');
      const router = new EgressRouter([sink], silentLogger, () => undefined, NO_OBSERVER, backlogged());
      await router.commit(4, new Map([['test/exact', [record('test/exact', 'old')]]]));
      expect(router.backlog.stats()).toMatchObject({ records: 0, bytes: 0 });
    });
  });
});
