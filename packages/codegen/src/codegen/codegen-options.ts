import { CodegenError } from '../errors/codegen-error';
import { CodegenErrorCodes } from '../errors/codegen-error-codes';

/**
 * Options of a project's codegen, as the `codegen` target takes them. Everything but the
 * project is optional; defaults fit the generated Kubernetes manifests.
 */
export interface CodegenOptions {
  /** The Nx project name; it names Kubernetes objects and the regenerate command. */
  readonly projectName: string;
  /** Workspace-relative path of the project. */
  readonly projectRoot: string;
  /**
   * Where a StateFun (or Keyflow) cluster reaches the functions in the remote topology.
   * Default `http://<project>-functions:<functionsPort>/statefun`, the generated Service.
   */
  readonly urlPathTemplate?: string | undefined;
  /** The container image of the function service. Default `<project>-functions:latest`. */
  readonly functionsImage?: string | undefined;
  /** The container image of the Keyflow runtime. Default `keyflow/runtime:latest`. */
  readonly runtimeImage?: string | undefined;
  /** The port the function service listens on. Default 8000. */
  readonly functionsPort?: number | undefined;
  /** The size of the runtime's RocksDB volume. Default `10Gi`. */
  readonly stateVolumeSize?: string | undefined;
}

/** {@link CodegenOptions} with every default applied and checked. */
export interface ResolvedCodegenOptions {
  readonly projectName: string;
  readonly projectRoot: string;
  /** The project name as a Kubernetes object name (DNS-1123 label). */
  readonly kubernetesName: string;
  readonly urlPathTemplate: string;
  readonly functionsImage: string;
  readonly runtimeImage: string;
  readonly functionsPort: number;
  readonly stateVolumeSize: string;
}

const URL_SCHEME = /^(https?|https?\+unix):\/\/\S+$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** Applies defaults and checks values; throws `KF_CODEGEN_INVALID_OPTION`. */
export function resolveCodegenOptions(options: CodegenOptions): ResolvedCodegenOptions {
  const kubernetesName = toKubernetesName(options.projectName);
  const functionsPort = options.functionsPort ?? 8000;
  if (!Number.isInteger(functionsPort) || functionsPort < 1 || functionsPort > 65535) {
    throw invalid(`functionsPort ${String(functionsPort)} is not a port number (1–65535).`);
  }
  const urlPathTemplate = options.urlPathTemplate ?? `http://${kubernetesName}-functions:${functionsPort}/statefun`;
  if (!URL_SCHEME.test(urlPathTemplate)) {
    throw invalid(
      `urlPathTemplate '${urlPathTemplate}' is not an http, https, http+unix or https+unix URL, e.g. 'http://functions:8000/statefun'.`,
    );
  }
  const stateVolumeSize = options.stateVolumeSize ?? '10Gi';
  if (!QUANTITY.test(stateVolumeSize)) {
    throw invalid(`stateVolumeSize '${stateVolumeSize}' is not a Kubernetes quantity such as '10Gi'.`);
  }
  return {
    projectName: options.projectName,
    projectRoot: options.projectRoot,
    kubernetesName,
    urlPathTemplate,
    functionsImage: nonEmpty(options.functionsImage, 'functionsImage') ?? `${kubernetesName}-functions:latest`,
    runtimeImage: nonEmpty(options.runtimeImage, 'runtimeImage') ?? 'keyflow/runtime:latest',
    functionsPort,
    stateVolumeSize,
  };
}

/** `My_App` → `my-app`: lowercase letters, digits and dashes, at most 40 characters. */
export function toKubernetesName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return cleaned.length > 0 ? cleaned : 'keyflow';
}

function nonEmpty(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim().length === 0 || /\s/.test(value)) throw invalid(`${option} '${value}' must be a non-empty image reference without spaces.`);
  return value;
}

function invalid(message: string): CodegenError {
  return new CodegenError(CodegenErrorCodes.INVALID_OPTION, undefined, message);
}
