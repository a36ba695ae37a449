// The public API of @keyflow/codegen: scan a project's functions, emit its generated files,
// run or check codegen on disk. Nx uses the plugin (`@keyflow/codegen/plugin`), the
// `function` generator and the `codegen` / `check-generated` executors.

export { scanProject } from './scanner/scan-project';
export type { ScanResult } from './scanner/scan-project';
export { FUNCTION_FILE_SUFFIX, isScannableSource } from './scanner/project-sources';
export type { ProjectSources } from './scanner/project-sources';
export type {
  ImportableSymbol,
  ScannedFunction,
  ScannedState,
  SourceLocation,
  StateExpiration,
  StateKind,
  ValueTypeReference,
} from './scanner/scanned-function';

export { emitRegistry } from './emitters/registry-emitter';
export { emitStorage } from './emitters/storage-emitter';
export { emitKeyflowModule, EMBEDDED_ENDPOINT_KIND } from './emitters/keyflow-module-emitter';
export { emitStatefunModule, HTTP_ENDPOINT_KIND } from './emitters/statefun-module-emitter';
export { emitKubernetes, kubernetesManifests } from './emitters/kubernetes-emitter';
export type { KubernetesManifest } from './emitters/kubernetes-emitter';
export { emitFlinkDeployment, flinkDeploymentManifests, STATEFUN_RUNTIME } from './emitters/flink-deployment-emitter';
export { readIoDocuments } from './emitters/io-documents';
export type { IoDocument } from './emitters/io-documents';
export { GENERATED_MARKER } from './emitters/generated-header';

export { generateProtobuf } from './protobuf/generate-protobuf';

export { resolveCodegenOptions } from './codegen/codegen-options';
export type { CodegenOptions, ResolvedCodegenOptions } from './codegen/codegen-options';
export { generateProject, readProjectSources } from './codegen/generate-project';
export type { GenerationResult } from './codegen/generate-project';
export type { GeneratedFile } from './codegen/generated-file';
export { diskProjectFiles } from './codegen/project-files';
export type { ProjectFiles } from './codegen/project-files';
export { projectLayout } from './codegen/project-layout';
export type { ProjectLayout } from './codegen/project-layout';
export { runCodegen, staleOutputsError } from './codegen/run-codegen';
export type { CodegenReport, RunCodegenOptions } from './codegen/run-codegen';
export { watchProject } from './codegen/watch-project';
export type { ProjectWatch, WatchProjectOptions } from './codegen/watch-project';

export { CodegenError } from './errors/codegen-error';
export { CodegenErrorCodes } from './errors/codegen-error-codes';
export type { CodegenErrorCode } from './errors/codegen-error-codes';
