import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type FunctionClass } from '@keyflow/sdk';
import { KeyflowRuntime, parseModule, type TracingOptions } from '@keyflow/runtime';
import type { EgressSink, Ingress } from '@keyflow/runtime/kinds';
import { keyflowKinds } from '../../src';
import { testFunctions } from '../fixtures/test-functions';

/** Options of {@link startRuntime}. */
export interface HarnessOptions {
  /** The state folder; reuse one to restart a runtime from its checkpoint. */
  readonly stateDir: string;
  readonly egresses?: readonly EgressSink[];
  readonly functions?: readonly FunctionClass[];
  readonly checkpointIntervalMs?: number;
  readonly maxQueuedMessages?: number;
  readonly tracing?: TracingOptions;
}

/** A runtime started from module.yaml text, with the connectors and the test functions. */
export async function startRuntime(moduleYaml: string, options: HarnessOptions): Promise<KeyflowRuntime> {
  const file = join(options.stateDir, 'module.yaml');
  await mkdir(options.stateDir, { recursive: true });
  await writeFile(file, moduleYaml);
  return KeyflowRuntime.start({
    module: parseModule(moduleYaml, file, { kinds: keyflowKinds }),
    stateDir: options.stateDir,
    kinds: keyflowKinds,
    functions: options.functions ?? testFunctions,
    egresses: options.egresses ?? [],
    logger: silentLogger,
    checkpointIntervalMs: options.checkpointIntervalMs ?? 0,
    ...(options.maxQueuedMessages === undefined ? {} : { maxQueuedMessages: options.maxQueuedMessages }),
    ...(options.tracing === undefined ? {} : { tracing: options.tracing }),
  });
}

/** The ingress of `runtime` with id `id`, as its own class. */
export function ingressOf<T extends Ingress>(runtime: KeyflowRuntime, id: string): T {
  const ingress = runtime.ingresses.find((candidate) => candidate.id === id);
  if (!ingress) throw new Error(`no ingress ${id}`);
  return ingress as T;
}

/** A temporary folder, removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passed; returns whether it held. */
export async function eventually(condition: () => boolean, timeoutMs = 15_000): Promise<boolean> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
