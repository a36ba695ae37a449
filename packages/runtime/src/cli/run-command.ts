import { dirname, join, resolve } from 'node:path';
import { createLogger, describeError } from '@keyflow/sdk';
import { AdminServer, type AdminServerOptions } from '../admin/admin-server';
import { storageFromUri } from '../checkpoint/storage-uri';
import type { ModuleConfig } from '../config/module-config';
import { findKindPackages } from '../module/kinds/kind-packages';
import { ModuleKinds } from '../module/kinds/module-kinds';
import { loadModule } from '../module/module-loader';
import { KeyflowRuntime } from '../runtime/keyflow-runtime';
import { parseRunArguments } from './cli-arguments';
import { checkFileEgressPaths, checkStateDir } from './startup-checks';
import { explainAdminPortError, explainStartupError } from './startup-errors';

/**
 * `keyflow run`: loads the modules with the kinds of the kind packages the project depends on
 * (the package.json files of the working folder and of the module files' folders), starts the
 * runtime, and runs until SIGTERM or SIGINT.
 */
export async function runCommand(args: readonly string[]): Promise<number> {
  const options = parseRunArguments(args);
  const logger = createLogger({ fields: { component: 'keyflow' } });
  const files = options.modules.map((file) => resolve(file));
  const kinds = findKindPackages([process.cwd(), ...files.map((file) => dirname(file))]).flatMap((found) => found.kinds);
  const module = await loadModule(files, { kinds });
  printModule(module);

  const stateDir = resolve(options.stateDir);
  await checkStateDir(stateDir);
  await checkFileEgressPaths(module.fileEgresses);
  const checkpointUri = options.checkpointDir ?? join(stateDir, 'checkpoints');
  const checkpointStorage = storageFromUri(checkpointUri);
  const runtime = await KeyflowRuntime.start({
    module,
    stateDir,
    stateBackend: options.memoryState ? 'memory' : 'rocksdb',
    takeOver: options.takeOver,
    checkpointIntervalMs: options.checkpointIntervalMs,
    checkpointStorage,
    kinds,
    logger,
    ...(options.fromSavepoint === undefined ? {} : { fromSavepoint: options.fromSavepoint }),
    ...(options.compactionInterval === undefined ? {} : { compactionInterval: options.compactionInterval }),
    ...(options.retainCheckpoints === undefined ? {} : { retainCheckpoints: options.retainCheckpoints }),
    ...(options.maxStagedEgressRecords === undefined ? {} : { maxStagedEgressRecords: options.maxStagedEgressRecords }),
    ...(options.maxStagedEgressBytes === undefined ? {} : { maxStagedEgressBytes: options.maxStagedEgressBytes }),
    ...(options.failurePolicy === undefined ? {} : { failurePolicy: options.failurePolicy }),
    ...(options.tracing === undefined ? {} : { tracing: options.tracing }),
  }).catch((error: unknown) => {
    throw explainStartupError(error, { module, checkpointUri });
  });
  console.log(`Checkpoints: ${checkpointStorage.uri}`);
  if (options.tracing !== undefined) console.log(`Traces: OTLP to ${options.tracing.otlpEndpoint}, ${(options.tracing.sampleRatio ?? 1) * 100} % of new traces recorded`);
  const admin = options.adminPort === undefined ? undefined : await startAdmin(runtime, options.adminPort, { host: options.adminHost, token: options.adminToken });
  if (admin) {
    const base = `http://${options.adminHost.includes(':') ? `[${options.adminHost}]` : options.adminHost}:${admin.address.port}`;
    const access = options.adminToken === undefined ? '' : ' (requests need the admin token as a bearer token)';
    console.log(`Admin API: ${base}/health${access}`);
    console.log(`Console: ${base}/ (metrics: /metrics)`);
  }
  // The signal handlers go in before the "running" line: a supervisor (or a test) that stops
  // the process as soon as it reads that line must get the final checkpoint, not a default kill.
  const stopped = new Promise<number>((done) => {
    // The runtime's own timers do not hold the process open (an app that embeds it decides when
    // to exit), so with no ingress nothing would: the command holds it until it is stopped.
    const keepAlive = setInterval(() => undefined, 2 ** 30);
    let stopping = false;
    const stop = (code: number): void => {
      if (stopping) return;
      stopping = true;
      console.log('Stopping: draining queued messages and taking a final checkpoint…');
      runtime
        .stop()
        .then(() => admin?.close())
        .then(
          () => done(code),
          (error: unknown) => {
            console.error(`Keyflow did not stop cleanly: ${describeError(error)}`);
            done(1);
          },
        )
        .finally(() => clearInterval(keepAlive));
    };
    process.once('SIGTERM', () => stop(0));
    process.once('SIGINT', () => stop(0));
    runtime.onFailure((error) => {
      console.error(`Keyflow stopped processing: ${error.message}`);
      stop(1);
    });
  });
  printHowToSend(module);
  return stopped;
}

/** Starts the admin API; when it cannot listen, stops the runtime (final checkpoint) and says why. */
async function startAdmin(runtime: KeyflowRuntime, port: number, options: AdminServerOptions): Promise<AdminServer> {
  try {
    return await AdminServer.start(runtime, port, options);
  } catch (error) {
    await runtime.stop();
    throw explainAdminPortError(error, port);
  }
}

const RUNTIME_KINDS: ReadonlySet<string> = new Set(Object.values(ModuleKinds));

function printModule(module: ModuleConfig): void {
  console.log(`Keyflow: loaded ${module.files.join(', ')}`);
  for (const endpoint of module.endpoints) {
    const functions = endpoint.functions.kind === 'namespace' ? `${endpoint.functions.namespace}/*` : endpoint.functions.typename;
    const where = endpoint.kind === 'embedded' ? `embedded ${endpoint.modulePath}` : endpoint.urlPathTemplate;
    console.log(`  endpoint  ${functions} → ${where}`);
  }
  for (const sidecar of module.sidecars) console.log(`  sidecar   ${sidecar.id}: ${sidecar.command.join(' ')}`);
  for (const ingress of module.httpIngresses) {
    console.log(`  ingress   ${ingress.id} (http) on ${ingress.host}:${ingress.port}`);
  }
  for (const egress of module.fileEgresses) {
    console.log(`  egress    ${egress.id} (file, ${egress.deliverySemantic}) → ${egress.path}`);
  }
  // The kinds of packages, which have no view of their own.
  for (const component of module.components.filter((candidate) => !RUNTIME_KINDS.has(candidate.kind))) {
    console.log(`  ${component.role.padEnd(8)}  ${component.kind}`);
  }
}

function printHowToSend(module: ModuleConfig): void {
  const route = module.httpIngresses[0]?.routes[0];
  const ingress = module.httpIngresses[0];
  if (!ingress || !route) {
    const ingresses = module.components.filter((component) => component.role === 'ingress').map((component) => component.kind);
    console.log(
      ingresses.length > 0
        ? `Keyflow is running, reading from ${[...new Set(ingresses)].join(', ')}. Press Ctrl+C to stop.`
        : `Keyflow is running with no ingress: ${module.files.join(', ')} declares none, so nothing from outside reaches the functions. ` +
            'It runs the delayed messages, schedules and queued messages already in its state and keeps checkpointing; ' +
            'add an ingress (e.g. io.keyflow.http.v1/ingress) to send messages. Press Ctrl+C to stop.',
    );
    return;
  }
  const egress = module.fileEgresses[0];
  console.log(
    `Keyflow is running. Send a message with: curl -X POST http://${ingress.host}:${ingress.port}${route.path}/Alice -d 'Alice'` +
      (egress ? ` — results appear in ${egress.path}` : ''),
  );
}
