import type { SidecarConfig, SourceLocation } from '../../config/module-config';
import { SidecarProcess } from '../../sidecar/sidecar-process';
import type { SpecReader } from '../spec-reader';
import type { SidecarKind } from './kind';
import { ModuleKinds } from './module-kinds';

const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_RESTART_BACKOFF_MS = 500;

/**
 * `io.keyflow.process.v1/sidecar`: a function process the runtime starts and restarts.
 *
 * ```yaml
 * kind: io.keyflow.process.v1/sidecar
 * spec:
 *   id: greeter-fns
 *   command: node dist/serve.js          # or a list: [node, dist/serve.js]
 *   cwd: ./functions                     # optional, default: this file's folder
 *   env: { LOG_LEVEL: info }             # optional
 *   socket: ./run/fns.sock               # optional: wait for it before sending
 *   startTimeout: 30s                    # optional
 *   restartBackoff: 500ms                # optional, doubles up to 30 s
 * ```
 */
export function parseSidecar(spec: SpecReader, source: SourceLocation): SidecarConfig {
  return {
    kind: 'sidecar',
    source,
    id: spec.string('id', { expected: "a name for the process, e.g. 'greeter-fns'" }),
    command: readCommand(spec),
    cwd: spec.optionalFilePath('cwd') ?? spec.resolvePath('.'),
    env: spec.optionalStringMap('env') ?? {},
    socketPath: spec.optionalFilePath('socket'),
    startTimeoutMs: spec.optionalDuration('startTimeout', { min: 1 }) ?? DEFAULT_START_TIMEOUT_MS,
    restartBackoffMs: spec.optionalDuration('restartBackoff', { min: 0 }) ?? DEFAULT_RESTART_BACKOFF_MS,
  };
}

/** The sidecar kind: a process the runtime starts, watches and restarts. */
export const sidecarKind: SidecarKind<SidecarConfig> = {
  name: ModuleKinds.SIDECAR,
  role: 'sidecar',
  readSpec: parseSidecar,
  create: (config, { logger }) => new SidecarProcess(config, { logger }),
};

const COMMAND_EXPECTED = "a program and its arguments, e.g. 'node dist/serve.js' or [node, dist/serve.js]";

/** A command line string is split on whitespace (no shell, no quoting); a list is taken as is. */
function readCommand(spec: SpecReader): string[] {
  const type = spec.typeOf('command');
  if (type === 'list') return spec.stringList('command', { nonEmpty: true });
  const line = type === 'string' ? spec.string('command', { expected: COMMAND_EXPECTED }) : undefined;
  const words = line?.split(/\s+/).filter((word) => word.length > 0) ?? [];
  // An empty string was already reported by spec.string.
  if (words.length === 0 && line !== '') spec.error('command', COMMAND_EXPECTED);
  return words;
}
