import { posix } from 'node:path';

/**
 * Where codegen reads and writes, for one project. Every path is workspace-relative, posix.
 * These paths are a contract: the runtime loads `keyflowModuleFile`, which points at
 * `registryFile`; the Nx target declares them as inputs and outputs.
 */
export interface ProjectLayout {
  readonly projectRoot: string;
  /** `src/`: scanned for functions. */
  readonly sourceDir: string;
  /** `src/generated/`: generated TypeScript, never scanned. */
  readonly generatedDir: string;
  /** `src/generated/functions.generated.ts`: the function registry. */
  readonly registryFile: string;
  /** `src/generated/storage.generated.ts`: typed state and message helpers. */
  readonly storageFile: string;
  /** `proto/`: the project's `.proto` files, if any. */
  readonly protoDir: string;
  /** `src/generated/proto/`: protobuf-es classes generated from `proto/`. */
  readonly protoOutputDir: string;
  /** `keyflow.io.yaml`: hand-written ingress and egress documents, if any. */
  readonly ioFile: string;
  /** `deploy/module.yaml`: the Keyflow module (embedded functions). */
  readonly keyflowModuleFile: string;
  /** `deploy/statefun/module.yaml`: the remote module in StateFun's format. */
  readonly statefunModuleFile: string;
  /** `deploy/k8s/`: Kubernetes manifests of the remote topology. */
  readonly kubernetesDir: string;
}

/** The layout of the project at `projectRoot` (workspace-relative). */
export function projectLayout(projectRoot: string): ProjectLayout {
  const at = (...parts: string[]): string => posix.join(projectRoot, ...parts);
  return {
    projectRoot,
    sourceDir: at('src'),
    generatedDir: at('src/generated'),
    registryFile: at('src/generated/functions.generated.ts'),
    storageFile: at('src/generated/storage.generated.ts'),
    protoDir: at('proto'),
    protoOutputDir: at('src/generated/proto'),
    ioFile: at('keyflow.io.yaml'),
    keyflowModuleFile: at('deploy/module.yaml'),
    statefunModuleFile: at('deploy/statefun/module.yaml'),
    kubernetesDir: at('deploy/k8s'),
  };
}
