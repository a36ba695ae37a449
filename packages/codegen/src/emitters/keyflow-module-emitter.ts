import { posix } from 'node:path';
import type { GeneratedFile } from '../codegen/generated-file';
import { projectLayout } from '../codegen/project-layout';
import type { ScannedFunction } from '../scanner/scanned-function';
import { relativeSpecifier } from '../text/posix-paths';
import { yamlHeader } from './generated-header';
import type { IoDocument } from './io-documents';
import { assembleModule, namespacesOf } from './module-documents';

/** The kind of Keyflow's embedded function endpoint. */
export const EMBEDDED_ENDPOINT_KIND = 'io.keyflow.endpoints.v1/embedded';

/** What the Keyflow module emitter needs. */
export interface KeyflowModuleInput {
  readonly projectName: string;
  readonly projectRoot: string;
  readonly functions: readonly ScannedFunction[];
  readonly ioDocuments: readonly IoDocument[];
}

/**
 * Emits `deploy/module.yaml` for Keyflow: one embedded endpoint per namespace
 * (`functions: <namespace>/*`, `module:` the registry, relative to the module file), then
 * every document of `keyflow.io.yaml`.
 */
export function emitKeyflowModule(input: KeyflowModuleInput): GeneratedFile {
  const layout = projectLayout(input.projectRoot);
  const registry = relativeSpecifier(posix.dirname(layout.keyflowModuleFile), layout.registryFile);
  const endpoints = namespacesOf(input.functions).map((namespace) => ({
    kind: EMBEDDED_ENDPOINT_KIND,
    spec: { functions: `${namespace}/*`, module: registry },
  }));
  const header = yamlHeader(input.projectName, [
    `Keyflow module of project ${input.projectName}: the functions run embedded in the runtime, which`,
    'imports them from the generated registry. Ingresses and egresses come from keyflow.io.yaml.',
  ]);
  return {
    path: layout.keyflowModuleFile,
    content: assembleModule(header, endpoints, { documents: input.ioDocuments, keep: () => true }),
  };
}
