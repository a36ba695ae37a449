import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KeyflowError, describeError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { checkUniqueness } from './module-checks';
import type { ComponentIdentity } from './component-identity';
import type {
  EndpointConfig,
  FileEgressConfig,
  HttpIngressConfig,
  ModuleComponent,
  ModuleConfig,
  SidecarConfig,
} from '../config/module-config';
import type { Kind } from './kinds/kind';
import { KindRegistry } from './kinds/kind-registry';
import { ModuleKinds } from './kinds/module-kinds';
import { parseModuleDocuments } from './module-documents';
import { ProblemCollector } from './problem-collector';

/** Options of {@link loadModule} and {@link parseModule}. */
export interface ModuleLoadOptions {
  /** Kinds of packages (the connectors' `keyflowKinds`), in addition to the runtime's own. */
  readonly kinds?: readonly Kind[];
}

/** One module file's text and the name it is reported under. */
interface ModuleSource {
  readonly text: string;
  readonly file: string;
}

/**
 * Reads and validates one or more module.yaml files into one {@link ModuleConfig}. Relative
 * paths inside a file are relative to that file's folder. Throws `KF_MODULE_UNREADABLE` when
 * a file cannot be read, and otherwise one `InvalidModuleError` (`KF_MODULE_INVALID` or
 * `KF_MODULE_UNKNOWN_KIND`) listing every problem of every file as `file:line:column: …`.
 *
 * @example
 * import { keyflowKinds } from '@keyflow/connectors';
 * const module = await loadModule(['module.yaml', 'io.yaml'], { kinds: keyflowKinds });
 */
export async function loadModule(files: string | readonly string[], options: ModuleLoadOptions = {}): Promise<ModuleConfig> {
  const paths = (typeof files === 'string' ? [files] : [...files]).map((file) => path.resolve(file));
  if (paths.length === 0) {
    throw new KeyflowError(RuntimeErrorCodes.MODULE_UNREADABLE, 'No module file was given; pass the path of at least one module.yaml.');
  }
  const results = await Promise.allSettled(paths.map((file) => readFile(file, 'utf8')));
  const failures = results.flatMap((result, index) =>
    result.status === 'rejected' ? [`${paths[index] ?? ''}: ${describeError(result.reason)}`] : [],
  );
  if (failures.length > 0) {
    const firstFailure = results.find((result) => result.status === 'rejected');
    throw new KeyflowError(
      RuntimeErrorCodes.MODULE_UNREADABLE,
      `Cannot read module file${failures.length === 1 ? '' : 's'}; check the path${failures.length === 1 ? '' : 's'} and permissions:\n${failures.join('\n')}`,
      { cause: firstFailure?.status === 'rejected' ? firstFailure.reason : undefined },
    );
  }
  const sources = results.map((result, index) => ({
    text: result.status === 'fulfilled' ? result.value : '',
    file: paths[index] ?? '',
  }));
  return parseModuleSources(sources, options);
}

/**
 * Validates the text of one module file, without touching the file system: `file` is the
 * name used in messages and `source.file`, and its folder is what relative paths resolve
 * against. Throws like {@link loadModule}.
 */
export function parseModule(text: string, file: string, options: ModuleLoadOptions = {}): ModuleConfig {
  return parseModuleSources([{ text, file }], options);
}

function parseModuleSources(sources: readonly ModuleSource[], options: ModuleLoadOptions): ModuleConfig {
  const kinds = KindRegistry.of(options.kinds);
  const problems = new ProblemCollector();
  const components: ModuleComponent[] = [];
  const identities: ComponentIdentity[] = [];
  for (const source of sources) {
    const parsed = parseModuleDocuments(source.text, source.file, kinds, problems);
    components.push(...parsed.components);
    identities.push(...parsed.identities);
  }
  checkUniqueness(identities, problems);
  problems.throwIfAny();
  return assemble(
    sources.map((source) => source.file),
    components,
  );
}

// The views of the runtime's own kinds; each kind's spec reader returned its config type.
function assemble(files: readonly string[], components: readonly ModuleComponent[]): ModuleConfig {
  const endpoints: EndpointConfig[] = [];
  const sidecars: SidecarConfig[] = [];
  const httpIngresses: HttpIngressConfig[] = [];
  const fileEgresses: FileEgressConfig[] = [];
  for (const component of components) {
    switch (component.kind) {
      case ModuleKinds.HTTP_ENDPOINT:
      case ModuleKinds.HTTP_ENDPOINT_V1:
      case ModuleKinds.EMBEDDED_ENDPOINT:
        endpoints.push(component.config as EndpointConfig);
        break;
      case ModuleKinds.SIDECAR:
        sidecars.push(component.config as SidecarConfig);
        break;
      case ModuleKinds.HTTP_INGRESS:
        httpIngresses.push(component.config as HttpIngressConfig);
        break;
      case ModuleKinds.FILE_EGRESS:
        fileEgresses.push(component.config as FileEgressConfig);
        break;
    }
  }
  return { files, components, endpoints, sidecars, httpIngresses, fileEgresses };
}
