import type { ResolvedCodegenOptions } from '../codegen/codegen-options';
import type { GeneratedFile } from '../codegen/generated-file';
import { projectLayout } from '../codegen/project-layout';
import type { ScannedFunction } from '../scanner/scanned-function';
import type { YamlValue } from './yaml-writer';
import { yamlHeader } from './generated-header';
import type { IoDocument } from './io-documents';
import { assembleModule, namespacesOf } from './module-documents';

/** StateFun's HTTP function endpoint kind (module format v3). */
export const HTTP_ENDPOINT_KIND = 'io.statefun.endpoints.v2/http';

/** What the StateFun module emitter needs. */
export interface StatefunModuleInput {
  readonly options: ResolvedCodegenOptions;
  readonly functions: readonly ScannedFunction[];
  readonly ioDocuments: readonly IoDocument[];
}

/**
 * The remote endpoint documents: one `io.statefun.endpoints.v2/http` per namespace, on the
 * asynchronous transport, as StateFun documents them.
 */
export function remoteEndpoints(options: ResolvedCodegenOptions, functions: readonly ScannedFunction[]): YamlValue[] {
  return namespacesOf(functions).map((namespace) => ({
    kind: HTTP_ENDPOINT_KIND,
    spec: {
      functions: `${namespace}/*`,
      urlPathTemplate: options.urlPathTemplate,
      transport: { type: 'io.statefun.transports.v1/async', call: '2m', connect: '20s' },
    },
  }));
}

/** True for kinds Apache Flink StateFun itself understands. */
export function isStatefunKind(kind: string): boolean {
  return kind.startsWith('io.statefun.');
}

/**
 * Emits `deploy/statefun/module.yaml`, in StateFun's own format, so an Apache Flink StateFun
 * cluster loads it unchanged: the remote HTTP endpoints, then the `io.statefun.*` documents
 * of `keyflow.io.yaml` (Keyflow-only kinds are left out with a comment).
 */
export function emitStatefunModule(input: StatefunModuleInput): GeneratedFile {
  const { options } = input;
  const header = yamlHeader(options.projectName, [
    `StateFun remote module of project ${options.projectName}, in Apache Flink StateFun's format: a StateFun`,
    '(or Keyflow) cluster loads it unchanged and calls the functions over HTTP at',
    `${options.urlPathTemplate}.`,
  ]);
  return {
    path: projectLayout(options.projectRoot).statefunModuleFile,
    content: assembleModule(header, remoteEndpoints(options, input.functions), {
      documents: input.ioDocuments,
      keep: isStatefunKind,
      skippedNote: (kind) => `skipped: ${kind} (Keyflow-only)`,
    }),
  };
}
