// Checkpoint cost against state size and change rate, and restore time against state size.
// For each size N: N addresses get an int state; then a checkpoint after changing 100%, 10%
// and 1% of them (incremental deltas), a full snapshot (compaction base), and a restore of
// that state into an empty RocksDB from the folder archive. Prints a table.
//
//   BENCH_SIZES=10000,100000,1000000 npx tsx bench/checkpoint/scaling.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types, silentLogger } from '@keyflow/sdk';
import { CheckpointArchive } from '../../packages/runtime/src/checkpoint/checkpoint-archive';
import { CheckpointCoordinator } from '../../packages/runtime/src/checkpoint/checkpoint-coordinator';
import { readMarker } from '../../packages/runtime/src/checkpoint/checkpoint-marker';
import { restoreFromArchive } from '../../packages/runtime/src/checkpoint/checkpoint-restorer';
import { FolderCheckpointStorage } from '../../packages/runtime/src/checkpoint/folder-storage';
import { Dispatcher } from '../../packages/runtime/src/dispatcher/dispatcher';
import { EgressRouter } from '../../packages/runtime/src/egress/egress-router';
import type { AddressState } from '../../packages/runtime/src/state/address-state';
import { RocksDbBackend } from '../../packages/runtime/src/state/rocksdb-backend';
import { StateSpecRegistry } from '../../packages/runtime/src/state/state-spec-registry';
import { StateStore } from '../../packages/runtime/src/state/state-store';
import { TimerService } from '../../packages/runtime/src/timers/timer-service';

const SIZES = (process.env['BENCH_SIZES'] ?? '10000,100000,1000000').split(',').map(Number);
const WRITE_CHUNK = 50_000;

function stateOf(value: number): AddressState {
  const now = Date.now();
  return new Map([['count', { typename: Types.int.typename, value: Types.int.serialize(value), writtenAt: now, accessedAt: now }]]);
}

async function measure(size: number, root: string): Promise<string[]> {
  const backend = await RocksDbBackend.open(join(root, `state-${size}`));
  const archive = new CheckpointArchive(new FolderCheckpointStorage(join(root, `checkpoints-${size}`)));
  const state = new StateStore(backend);
  const timers = new TimerService(() => undefined);
  const egress = new EgressRouter([], silentLogger, () => undefined);
  const dispatcher = new Dispatcher({
    targets: { targetFor: () => { throw new Error('no functions in this bench'); } },
    state,
    specs: new StateSpecRegistry(),
    timers,
    hasEgress: () => false,
    emitEgress: () => undefined,
    logger: silentLogger,
    onFatal: (error) => { throw error; },
  });
  const coordinator = new CheckpointCoordinator({ backend, state, timers, dispatcher, ingresses: [], egress, logger: silentLogger, archive, compactionInterval: 1_000_000 });
  await coordinator.recover();

  const rows: string[] = [];
  const checkpointAfterChanging = async (fraction: number, round: number): Promise<void> => {
    const changed = Math.max(1, Math.round(size * fraction));
    // Writes go in chunks with a checkpoint per chunk for the 100% round, as a live runtime
    // with periodic checkpoints would; the row reports the last chunk's cost scaled up.
    let total = { durationMs: 0, bytes: 0, addresses: 0 };
    for (let start = 0; start < changed; start += WRITE_CHUNK) {
      const end = Math.min(changed, start + WRITE_CHUNK);
      for (let index = start; index < end; index++) state.write(`bench/counter\u0000${Math.floor((index * size) / changed)}`, stateOf(round));
      const result = await coordinator.checkpoint();
      total = { durationMs: total.durationMs + result.durationMs, bytes: total.bytes + result.bytes, addresses: total.addresses + result.addresses };
    }
    rows.push(`| ${size.toLocaleString('en-US')} | ${(fraction * 100).toFixed(0)}% (${total.addresses.toLocaleString('en-US')} addresses) | incremental | ${total.durationMs.toFixed(0)} ms | ${(total.bytes / 1024 / 1024).toFixed(2)} MiB |`);
  };
  await checkpointAfterChanging(1, 1);
  await checkpointAfterChanging(0.1, 2);
  await checkpointAfterChanging(0.01, 3);

  const baseStarted = performance.now();
  const lineage = (await readMarker(backend))?.lineage ?? '';
  const manifest = await archive.writeBase(coordinator.lastCheckpointId, lineage, Date.now(), backend.snapshot());
  const baseMs = performance.now() - baseStarted;
  const baseBytes = manifest.files.reduce((sum, file) => sum + file.size, 0);
  rows.push(`| ${size.toLocaleString('en-US')} | — | full snapshot (base) | ${baseMs.toFixed(0)} ms | ${(baseBytes / 1024 / 1024).toFixed(2)} MiB |`);
  await backend.close();

  // Restore into an empty RocksDB: the base plus nothing after it.
  const fresh = await RocksDbBackend.open(join(root, `restored-${size}`));
  const restoreStarted = performance.now();
  const report = await restoreFromArchive(fresh, archive, silentLogger);
  const restoreMs = performance.now() - restoreStarted;
  rows.push(`| ${size.toLocaleString('en-US')} | — | restore (${report.snapshotEntries.toLocaleString('en-US')} entries + ${report.deltasApplied} deltas) | ${restoreMs.toFixed(0)} ms | — |`);
  await fresh.close();
  return rows;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-ckpt-'));
  const rows = ['| keys | changed since last checkpoint | operation | duration | size |', '|---|---|---|---|---|'];
  try {
    for (const size of SIZES) {
      rows.push(...(await measure(size, root)));
      console.error(`done: ${size}`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  console.log(rows.join('\n'));
}

void main();
