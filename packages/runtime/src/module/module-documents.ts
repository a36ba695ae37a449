import { describeError } from '@keyflow/sdk';
import { LineCounter, isMap, parseAllDocuments } from 'yaml';
import type { YAMLMap } from 'yaml';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { closestMatch } from './closest-match';
import { identitiesOf } from './component-identity';
import type { ComponentIdentity } from './component-identity';
import type { ModuleComponent } from '../config/module-config';
import type { KindRegistry } from './kinds/kind-registry';
import { ModuleKinds } from './kinds/module-kinds';
import type { ModuleProblem, ModuleProblemCode } from './module-problem';
import { moduleDirOf } from './module-paths';
import type { ProblemCollector } from './problem-collector';
import { SpecReader } from './spec-reader';
import type { SpecPosition, SpecReaderContext } from './spec-reader';
import { describeNode, findPair, isNullNode, startOf } from './yaml-nodes';

/** The components of one module file, with what must be unique about each. */
export interface ParsedModuleFile {
  readonly components: readonly ModuleComponent[];
  readonly identities: readonly ComponentIdentity[];
}

const KIND_EXPECTED = `a component kind such as '${ModuleKinds.HTTP_ENDPOINT}'`;
// Kinds of packages are known only once the package is loaded: say how one gets loaded.
const PACKAGE_HINT =
  'kinds of packages are known once the package is registered (the kinds option of loadModule; ' +
  "the keyflow CLI loads the kind packages your package.json depends on, e.g. @keyflow/connectors for StateFun's Kafka and Kinesis kinds)";

/**
 * Reads every YAML document of one module file (`---` separated; empty documents skipped)
 * as a component `{ kind, spec }`, validating each spec with the spec reader of its kind.
 * Problems go to `problems`; the components of a file with problems are not to be used.
 */
export function parseModuleDocuments(
  text: string,
  file: string,
  kinds: KindRegistry,
  problems: ProblemCollector,
): ParsedModuleFile {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const moduleDir = moduleDirOf(file);
  const components: ModuleComponent[] = [];
  const identities: ComponentIdentity[] = [];
  const report = (offset: number, code: ModuleProblemCode, path: string, message: string): void => {
    const { line, col } = lineCounter.linePos(offset);
    problems.add({ code, file, line, column: col, path, message });
  };

  for (const document of documents) {
    if (document.errors.length > 0) {
      for (const error of document.errors) report(error.pos[0], RuntimeErrorCodes.MODULE_INVALID, '', `invalid YAML: ${error.message}`);
      continue;
    }
    const contents = document.contents;
    if (contents === null || isNullNode(contents)) continue;
    if (!isMap(contents)) {
      report(startOf(contents, 0), RuntimeErrorCodes.MODULE_INVALID, '', `the document is ${describeNode(contents)}, expected a mapping with kind: and spec:`);
      continue;
    }
    if (isLegacyModule(contents)) {
      const version = findPair(contents, 'version') ?? findPair(contents, 'module');
      report(
        startOf(version?.key, startOf(contents, 0)),
        RuntimeErrorCodes.MODULE_INVALID,
        'version',
        "the single-document module format of StateFun 3.0 and before ('version:' with 'module: { meta:, spec: }') is not supported, " +
          "expected StateFun's component format (3.1 and later): one YAML document per component, each with 'kind:' and 'spec:', separated by '---'",
      );
      continue;
    }
    const context: SpecReaderContext = { file, moduleDir, document, lineCounter, problems };
    const component = parseComponent(new SpecReader(context, contents, '', startOf(contents, 0)), kinds, problems);
    if (component !== undefined) {
      components.push(component.component);
      identities.push(...component.identities);
    }
  }
  return { components, identities };
}

function parseComponent(
  root: SpecReader,
  kinds: KindRegistry,
  problems: ProblemCollector,
): { component: ModuleComponent; identities: ComponentIdentity[] } | undefined {
  const kindType = root.typeOf('kind');
  const kind = kindType === 'missing' || kindType === 'null' ? undefined : root.optionalString('kind');
  const definition = kind === undefined ? undefined : kinds.get(kind);
  if (kind === undefined || definition === undefined) {
    if (kind === undefined && (kindType === 'missing' || kindType === 'null')) root.error('kind', KIND_EXPECTED);
    if (kind !== undefined) problems.add(unknownKindProblem(root.location('kind'), kind, kinds.names()));
    root.ignore('spec');
    root.finish();
    return undefined;
  }

  const kindPosition = root.location('kind');
  const spec = root.object('spec');
  const source = { file: kindPosition.file, line: kindPosition.line };
  let component: ModuleComponent | undefined;
  try {
    component = { kind, role: definition.role, source, config: definition.readSpec(spec, source) };
  } catch (error) {
    spec.error(undefined, `a spec the ${kind} kind accepts`, `made the ${kind} kind throw: ${describeError(error)}`);
  }
  root.finish();
  if (component === undefined) return undefined;
  // An id or pattern that was itself reported as invalid holds a stand-in value: leave it out
  // of the uniqueness checks rather than report stand-ins as duplicates of each other.
  const identities = identitiesOf(component, spec).filter(
    (identity) => identity.key !== '' && !problems.hasProblemAt(identity.position),
  );
  return { component, identities };
}

function unknownKindProblem(position: SpecPosition, kind: string, known: readonly string[]): ModuleProblem {
  const hint = closestMatch(kind, known);
  const message =
    `kind ${JSON.stringify(kind)} is not a known kind${hint === undefined ? '' : ` (did you mean '${hint}'?)`}, ` +
    `expected one of: ${known.join(', ')}; ${PACKAGE_HINT}`;
  return { ...position, code: RuntimeErrorCodes.MODULE_UNKNOWN_KIND, path: 'kind', message };
}

/** A document of StateFun's old single-root format: `version: "3.0"` and `module: { meta, spec }`. */
function isLegacyModule(contents: YAMLMap): boolean {
  return findPair(contents, 'kind') === undefined && (findPair(contents, 'version') !== undefined || findPair(contents, 'module') !== undefined);
}
