import { CodegenError, compareErrors } from '../errors/codegen-error';
import { emitFlinkDeployment } from '../emitters/flink-deployment-emitter';
import { emitKeyflowModule } from '../emitters/keyflow-module-emitter';
import { emitKubernetes } from '../emitters/kubernetes-emitter';
import { readIoDocuments, type IoDocument } from '../emitters/io-documents';
import { emitRegistry } from '../emitters/registry-emitter';
import { emitStatefunModule } from '../emitters/statefun-module-emitter';
import { emitStorage } from '../emitters/storage-emitter';
import { isScannableSource, type ProjectSources } from '../scanner/project-sources';
import { scanProject } from '../scanner/scan-project';
import type { ScannedFunction } from '../scanner/scanned-function';
import { compareStrings } from '../text/compare-strings';
import { resolveCodegenOptions, type CodegenOptions } from './codegen-options';
import type { GeneratedFile } from './generated-file';
import type { ProjectFiles } from './project-files';
import { projectLayout } from './project-layout';

/** What one codegen pass produced: files sorted by path, or the errors that prevented them. */
export interface GenerationResult {
  readonly files: readonly GeneratedFile[];
  readonly functions: readonly ScannedFunction[];
  readonly errors: readonly CodegenError[];
}

/** The sources the scanner reads for the project at `projectRoot`. */
export function readProjectSources(files: ProjectFiles, projectRoot: string): ProjectSources {
  const layout = projectLayout(projectRoot);
  const sources = new Map<string, string>();
  for (const path of files.listFiles(layout.sourceDir)) {
    if (!isScannableSource(projectRoot, path)) continue;
    const text = files.readFile(path);
    if (text !== undefined) sources.set(path, text);
  }
  return { projectRoot, files: sources };
}

/**
 * Scans a project and emits everything but protobuf classes: the registry, the typed storage,
 * both module.yaml files and the Kubernetes manifests. Pure: it reads through `files` and
 * writes nothing, so a generator can run it on a virtual tree and a check can compare.
 * With any error, no file is produced and every error is returned.
 */
export function generateProject(files: ProjectFiles, options: CodegenOptions): GenerationResult {
  let resolved;
  try {
    resolved = resolveCodegenOptions(options);
  } catch (error) {
    if (error instanceof CodegenError) return { files: [], functions: [], errors: [error] };
    throw error;
  }
  const layout = projectLayout(options.projectRoot);
  const scan = scanProject(readProjectSources(files, options.projectRoot));
  const ioText = files.readFile(layout.ioFile);
  const io = ioText === undefined ? { documents: [] as IoDocument[], errors: [] } : readIoDocuments(layout.ioFile, ioText);
  const errors = [...scan.errors, ...io.errors].sort(compareErrors);
  if (errors.length > 0) return { files: [], functions: scan.functions, errors };

  const { functions } = scan;
  const project = { projectName: options.projectName, projectRoot: options.projectRoot, functions };
  const ioDocuments = io.documents;
  const generated: GeneratedFile[] = [
    emitRegistry(project),
    emitStorage(project),
    emitKeyflowModule({ ...project, ioDocuments }),
    emitStatefunModule({ options: resolved, functions, ioDocuments }),
    ...emitKubernetes({ options: resolved, functions, ioDocuments }),
    ...emitFlinkDeployment({ options: resolved, functions, ioDocuments }),
  ];
  return { files: generated.sort((a, b) => compareStrings(a.path, b.path)), functions, errors: [] };
}
