import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getFunctionMetadata, KeyflowError, type FunctionClass } from '@keyflow/sdk';
import {
  createInlineBatchHandler,
  type InlineBatchHandler,
  type PbFromFunction,
  type PbInvocationBatchRequest,
  type StateBackings,
} from '@keyflow/sdk/protocol';
import { describeAddress } from '../message/address-key';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { EmbeddedEndpointConfig, FunctionPattern } from '../config/module-config';
import type { FunctionEndpoint } from './function-endpoint';
import { matchesPattern } from './function-pattern';

/**
 * `io.keyflow.endpoints.v1/embedded`: functions imported into the runtime process and called
 * in-process through the sdk's batch handler — the same request-reply semantics, without the
 * bytes. A function that throws fails the call (`KF_ENDPOINT_FAILED`), as a 500 would remotely.
 */
export class EmbeddedFunctionEndpoint implements FunctionEndpoint {
  readonly description: string;
  /** In-process functions read their lists and maps entry by entry from the runtime's state. */
  readonly takesStateBackings = true;
  readonly reportsInvocationEffects = true;

  private constructor(
    private readonly handler: InlineBatchHandler,
    readonly typenames: readonly string[],
    modulePath: string,
  ) {
    this.description = `embedded:${modulePath}`;
  }

  /** Imports the module of `config` and registers the classes it exports that match `config.functions`. */
  static load(config: EmbeddedEndpointConfig): EmbeddedFunctionEndpoint {
    const classes = functionClassesOf(importModule(config), config.functions);
    if (classes.length === 0) {
      throw new KeyflowError(
        RuntimeErrorCodes.EMBEDDED_MODULE_FAILED,
        `${config.source.file}:${config.source.line}: ${config.modulePath} exports no @StatefulFunction class matching ${describePattern(config.functions)}.`,
      );
    }
    return EmbeddedFunctionEndpoint.of(classes, config.modulePath);
  }

  /**
   * An endpoint for classes at hand (tests, programs that embed the runtime). `clock` is what
   * the functions' schedules and map entry expiry read (the runtime's clock in tests).
   */
  static of(classes: readonly FunctionClass[], name = 'in-process', clock?: () => number): EmbeddedFunctionEndpoint {
    const typenames = classes.map((cls) => getFunctionMetadata(cls)?.typename ?? cls.name);
    return new EmbeddedFunctionEndpoint(createInlineBatchHandler(classes, clock ? { clock } : {}), typenames, name);
  }

  /** Answers synchronously when the functions of the batch are synchronous. */
  invoke(batch: PbInvocationBatchRequest, backings?: StateBackings): PbFromFunction | Promise<PbFromFunction> {
    let response;
    try {
      response = this.handler(batch, backings);
    } catch (error) {
      throw this.#failed(batch, error);
    }
    if (!(response instanceof Promise)) return response;
    return response.catch((error: unknown) => {
      throw this.#failed(batch, error);
    });
  }

  #failed(batch: PbInvocationBatchRequest, error: unknown): KeyflowError {
    const address = batch.target ? describeAddress(batch.target) : 'an unknown address';
    return new KeyflowError(
      RuntimeErrorCodes.ENDPOINT_FAILED,
      `The embedded function at ${address} (${this.description}) failed: ${(error as Error).message}`,
      { cause: error },
    );
  }

  async close(): Promise<void> {
    // In-process functions hold nothing to release.
  }
}

function importModule(config: EmbeddedEndpointConfig): Record<string, unknown> {
  const path = config.modulePath;
  const where = `${config.source.file}:${config.source.line}`;
  try {
    return requireModule(path);
  } catch (error) {
    if (!resolvable(path)) {
      throw new KeyflowError(
        RuntimeErrorCodes.EMBEDDED_MODULE_FAILED,
        `${where}: the function module ${path} does not exist. Fix 'module:' there (a relative path starts from the module.yaml's folder), ` +
          'or generate it first if it is a generated registry (npx nx run <project>:codegen).',
        { cause: error },
      );
    }
    // Node appends a 'Require stack' to the message; its first line says what is missing.
    const reason = ((error as Error).message ?? String(error)).split('\n')[0] ?? '';
    const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' ? ' (a module it imports is missing: install it, or fix the import)' : '';
    throw new KeyflowError(
      RuntimeErrorCodes.EMBEDDED_MODULE_FAILED,
      `${where}: could not load the function module ${path}: ${reason}${missing}.`,
      { cause: error },
    );
  }
}

function resolvable(path: string): boolean {
  try {
    loadModule.resolve(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Requires a module; a TypeScript module that plain Node cannot parse is compiled with tsx.
 * (Where TypeScript is already handled, as under Jest, the first require simply works.)
 */
function requireModule(path: string): Record<string, unknown> {
  try {
    return loadModule(path) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof SyntaxError) || !/\.[cm]?ts$/.test(path) || typeScriptRegistered) throw error;
    registerTypeScript(path);
    return loadModule(path) as Record<string, unknown>;
  }
}

let typeScriptRegistered = false;

// User modules are loaded by path at run time, so this is a plain CommonJS require.
const loadModule = createRequire(__filename);

/**
 * Compiles TypeScript function modules on the fly with tsx, using the tsconfig.json nearest to
 * the module (decorator settings live there) unless TSX_TSCONFIG_PATH says otherwise.
 */
function registerTypeScript(modulePath: string): void {
  if (typeScriptRegistered) return;
  const tsconfig = nearestFile(dirname(modulePath), 'tsconfig.json');
  if (tsconfig && process.env['TSX_TSCONFIG_PATH'] === undefined) process.env['TSX_TSCONFIG_PATH'] = tsconfig;
  const { register } = loadModule('tsx/cjs/api') as { register: () => unknown };
  register();
  typeScriptRegistered = true;
}

function nearestFile(start: string, name: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The classes a module exports: its `functions` array if it has one, else every decorated export. */
function functionClassesOf(exports: Record<string, unknown>, pattern: FunctionPattern): FunctionClass[] {
  const listed = exports['functions'];
  const candidates = Array.isArray(listed) ? (listed as unknown[]) : Object.values(exports);
  const classes = new Set<FunctionClass>();
  for (const candidate of candidates) {
    if (typeof candidate !== 'function') continue;
    const metadata = getFunctionMetadata(candidate);
    if (metadata && matchesPattern(pattern, metadata.typename)) classes.add(candidate as FunctionClass);
  }
  return [...classes];
}

function describePattern(pattern: FunctionPattern): string {
  return pattern.kind === 'namespace' ? `${pattern.namespace}/*` : pattern.typename;
}
