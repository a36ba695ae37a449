import { parseTypename, toMillis, type Duration } from '@keyflow/sdk';
import {
  Node,
  SyntaxKind,
  type ClassDeclaration,
  type Decorator,
  type ObjectLiteralExpression,
  type PropertyDeclaration,
  type SourceFile,
} from 'ts-morph';
import { CodegenError, compareErrors } from '../errors/codegen-error';
import { CodegenErrorCodes, type CodegenErrorCode } from '../errors/codegen-error-codes';
import { compareStrings } from '../text/compare-strings';
import { pascalCase } from '../text/identifiers';
import { withoutTsExtension } from '../text/posix-paths';
import { mayDeclareFunctions, type ProjectSources } from './project-sources';
import type {
  ScannedFunction,
  ScannedState,
  SourceLocation,
  StateExpiration,
  StateKind,
  ValueTypeReference,
} from './scanned-function';
import { SourceIndex } from './source-index';
import { MESSAGE_SHORTCUTS, builtinTypeReference, describeValueType } from './value-types';

/** What a scan found: the functions, sorted by typename, and every problem, sorted by location. */
export interface ScanResult {
  readonly functions: readonly ScannedFunction[];
  readonly errors: readonly CodegenError[];
}

const STATE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What differs between the three state decorators, for the scanner. */
interface StateDecorator {
  readonly kind: StateKind;
  readonly decorator: '@ValueSpec' | '@MapSpec' | '@ListSpec';
  /** The option that holds the value type. */
  readonly typeOption: 'type' | 'value';
  readonly example: string;
  /** The two TTL options, of which at most one may be set, and the mode each means. */
  readonly expiryOptions: readonly [[string, StateExpiration['mode']], [string, StateExpiration['mode']]];
}

const STATE_DECORATORS: Readonly<Record<string, StateDecorator>> = {
  ValueSpec: {
    kind: 'value',
    decorator: '@ValueSpec',
    typeOption: 'type',
    example: '@ValueSpec({ type: Types.int })',
    expiryOptions: [['expireAfterCall', 'after-call'], ['expireAfterWrite', 'after-write']],
  },
  MapSpec: {
    kind: 'map',
    decorator: '@MapSpec',
    typeOption: 'value',
    example: '@MapSpec({ value: Types.int })',
    expiryOptions: [['expireAfterWrite', 'after-write'], ['expireAfterAccess', 'after-access']],
  },
  ListSpec: {
    kind: 'list',
    decorator: '@ListSpec',
    typeOption: 'type',
    example: '@ListSpec({ type: Types.string })',
    expiryOptions: [['expireAfterCall', 'after-call'], ['expireAfterWrite', 'after-write']],
  },
};

/**
 * Finds every `@StatefulFunction` class of a project and its `@ValueSpec` fields. User errors
 * do not stop the scan: all of them are collected, each with its `file:line:column`.
 *
 * @example
 * const { functions, errors } = scanProject({ projectRoot: 'apps/examples', files });
 * if (errors.length > 0) throw errors[0];
 */
export function scanProject(sources: ProjectSources): ScanResult {
  const scanner = new ProjectScanner(new SourceIndex(sources));
  return scanner.scan();
}

class ProjectScanner {
  readonly #errors: CodegenError[] = [];

  constructor(readonly index: SourceIndex) {}

  scan(): ScanResult {
    const found: ScannedFunction[] = [];
    for (const file of this.index.files()) {
      if (!mayDeclareFunctions(this.index.pathOf(file), file.getFullText())) continue;
      for (const cls of file.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
        const decorator = cls.getDecorators().find((d) => this.#isSdkDecorator(file, d, 'StatefulFunction'));
        if (!decorator) continue;
        const scanned = this.#scanFunction(file, cls, decorator);
        if (scanned) found.push(scanned);
      }
    }
    const functions = this.#withoutDuplicateTypenames(found);
    return { functions, errors: [...this.#errors].sort(compareErrors) };
  }

  #report(code: CodegenErrorCode, where: Node | SourceLocation, message: string): void {
    const location = where instanceof Node ? this.index.locationOf(where) : where;
    this.#errors.push(new CodegenError(code, location, message));
  }

  #isSdkDecorator(file: SourceFile, decorator: Decorator, name: string): boolean {
    return this.#sdkDecoratorName(file, decorator) === name;
  }

  #sdkDecoratorName(file: SourceFile, decorator: Decorator): string | undefined {
    const callee = decorator.getCallExpression()?.getExpression() ?? decorator.getExpression();
    return this.index.sdkExportOf(file, callee);
  }

  #scanFunction(file: SourceFile, cls: ClassDeclaration, decorator: Decorator): ScannedFunction | undefined {
    const anchor = cls.getNameNode() ?? cls;
    const typename = this.#readTypename(file, decorator);
    const parts = typename === undefined ? undefined : parseTypename(typename);
    const className = cls.getName() ?? (parts ? pascalCase(parts.name) : 'AnonymousFunction');
    const label = `Class ${cls.getName() ?? '(anonymous)'}${typename === undefined ? '' : ` (${typename})`}`;

    let exportName: string | undefined;
    if (cls.getParent() !== file) {
      this.#report(
        CodegenErrorCodes.NOT_EXPORTED,
        anchor,
        `${label} is declared inside another declaration; declare it at the top level of its file and export it, so the generated registry can import it.`,
      );
    } else {
      exportName = this.index.exportNameOf(file, cls.getName() ?? '', cls);
      if (exportName === undefined) {
        this.#report(
          CodegenErrorCodes.NOT_EXPORTED,
          anchor,
          `${label} is decorated with @StatefulFunction but not exported; add \`export\` so the generated registry can import it.`,
        );
      }
    }

    const apply = cls.getInstanceMethod('apply') ?? cls.getInstanceProperty('apply');
    if (!apply && !cls.getExtends()) {
      this.#report(
        CodegenErrorCodes.APPLY_MISSING,
        anchor,
        `${label} has no apply(ctx, msg) method; add one to handle messages.`,
      );
    }

    const states = this.#scanStates(file, cls, className);
    const accepts = apply ? this.#scanAccepts(file, apply) : [];
    if (typename === undefined || parts === undefined || exportName === undefined) return undefined;
    return {
      typename,
      namespace: parts.namespace,
      name: parts.name,
      className,
      symbol: { module: withoutTsExtension(this.index.pathOf(file)), isPackage: false, exportName },
      states,
      accepts,
      location: this.index.locationOf(anchor),
    };
  }

  /** The typename of `@StatefulFunction(…)`, reporting why it cannot be used. */
  #readTypename(file: SourceFile, decorator: Decorator): string | undefined {
    const argument = decorator.getCallExpression()?.getArguments()[0];
    if (!argument) {
      this.#report(
        CodegenErrorCodes.INVALID_TYPENAME,
        decorator,
        `@StatefulFunction needs a typename: @StatefulFunction('<namespace>/<name>'), e.g. 'example/greeter'.`,
      );
      return undefined;
    }
    const typename = this.index.evaluateString(file, argument);
    if (typename === undefined) {
      this.#report(
        CodegenErrorCodes.INVALID_TYPENAME,
        argument,
        `The typename ${argument.getText()} is not a value codegen can read; write a string literal such as 'example/greeter' (or a const holding one).`,
      );
      return undefined;
    }
    try {
      parseTypename(typename);
    } catch {
      this.#report(
        CodegenErrorCodes.INVALID_TYPENAME,
        argument,
        `The typename '${typename}' is invalid: expected '<namespace>/<name>' with both parts non-empty and no whitespace, e.g. 'example/greeter'.`,
      );
      return undefined;
    }
    return typename;
  }

  #scanStates(file: SourceFile, cls: ClassDeclaration, className: string): ScannedState[] {
    const states: ScannedState[] = [];
    const byName = new Map<string, ScannedState>();
    for (const property of cls.getInstanceProperties()) {
      if (!Node.isPropertyDeclaration(property)) continue;
      const found: [Decorator, StateDecorator][] = [];
      for (const decorator of property.getDecorators()) {
        const kind = STATE_DECORATORS[this.#sdkDecoratorName(file, decorator) ?? ''];
        if (kind) found.push([decorator, kind]);
      }
      const [first, second] = found;
      if (!first) continue;
      if (second) {
        this.#report(
          CodegenErrorCodes.INVALID_STATE_OPTION,
          second[0],
          `${className}.${property.getName()} has both ${first[1].decorator} and ${second[1].decorator}; a field is one state, so keep one.`,
        );
        continue;
      }
      const state = this.#scanState(file, property, first[0], first[1], className);
      if (!state) continue;
      const previous = byName.get(state.name);
      if (previous) {
        this.#report(
          CodegenErrorCodes.DUPLICATE_STATE,
          state.location,
          `State name '${state.name}' of ${className}.${state.property} (${describeKind(state.kind)}) is already used by ${className}.${previous.property} (${describeKind(previous.kind)}, line ${previous.location.line}); state names must be unique per function, across @ValueSpec, @MapSpec and @ListSpec.`,
        );
        continue;
      }
      byName.set(state.name, state);
      states.push(state);
    }
    return states;
  }

  #scanState(
    file: SourceFile,
    property: PropertyDeclaration,
    decorator: Decorator,
    kind: StateDecorator,
    className: string,
  ): ScannedState | undefined {
    const where = `${kind.decorator} on ${className}.${property.getName()}`;
    const options = this.#readOptions(file, decorator, where, kind);
    if (!options) return undefined;
    const { file: optionsFile, literal } = options;
    let failed = false;
    const entries = new Map<string, Node>();
    for (const element of literal.getProperties()) {
      if (Node.isPropertyAssignment(element)) {
        const initializer = element.getInitializer();
        if (initializer) entries.set(element.getName(), initializer);
      } else if (Node.isShorthandPropertyAssignment(element)) {
        entries.set(element.getName(), element.getNameNode());
      } else {
        this.#report(
          CodegenErrorCodes.UNREADABLE_OPTIONS,
          element,
          `${where}: write each option as \`key: value\`; codegen cannot read ${element.getKindName()}.`,
        );
        failed = true;
      }
    }

    const typeNode = entries.get(kind.typeOption);
    if ((!typeNode || typeNode.getText() === 'undefined') && !failed) {
      this.#report(
        CodegenErrorCodes.STATE_TYPE_MISSING,
        decorator,
        `${where} has no ${kind.typeOption === 'value' ? 'value type' : 'type'}; give one, e.g. ${kind.example}.`,
      );
      failed = true;
    }

    let name = property.getName();
    const nameNode = entries.get('name');
    if (nameNode) {
      const value = this.index.evaluateString(optionsFile, nameNode);
      if (value === undefined) {
        this.#report(CodegenErrorCodes.UNREADABLE_OPTIONS, nameNode, `${where}: name ${nameNode.getText()} is not a string codegen can read; write a string literal.`);
        failed = true;
      } else {
        name = value;
      }
    }
    if (!STATE_NAME_PATTERN.test(name)) {
      this.#report(
        CodegenErrorCodes.INVALID_STATE_NAME,
        nameNode ?? property.getNameNode(),
        `${where}: state name '${name}' is invalid; use letters, digits and underscores, not starting with a digit.`,
      );
      failed = true;
    }

    const expiration = this.#readExpiration(optionsFile, entries, where, kind);
    if (expiration === null) failed = true;
    const maxLength = kind.kind === 'list' ? this.#readMaxLength(optionsFile, entries, where) : undefined;
    if (maxLength === null) failed = true;
    if (failed || !typeNode) return undefined;
    return {
      kind: kind.kind,
      property: property.getName(),
      name,
      type: describeValueType(this.index, optionsFile, typeNode),
      maxLength: maxLength ?? undefined,
      fieldType: property.getTypeNode()?.getText(),
      expiration: expiration ?? undefined,
      location: this.index.locationOf(decorator),
    };
  }

  /** The options object literal of a state decorator, possibly through a `const`. */
  #readOptions(
    file: SourceFile,
    decorator: Decorator,
    where: string,
    kind: StateDecorator,
  ): { file: SourceFile; literal: ObjectLiteralExpression } | undefined {
    const argument = decorator.getCallExpression()?.getArguments()[0];
    if (!argument) {
      this.#report(CodegenErrorCodes.STATE_TYPE_MISSING, decorator, `${where} has no options and so no type; write e.g. ${kind.example}.`);
      return undefined;
    }
    if (Node.isObjectLiteralExpression(argument)) return { file, literal: argument };
    if (Node.isIdentifier(argument)) {
      const initializer = this.index.constInitializer(file, argument);
      if (initializer && Node.isObjectLiteralExpression(initializer.expression)) {
        return { file: initializer.file, literal: initializer.expression };
      }
    }
    this.#report(
      CodegenErrorCodes.UNREADABLE_OPTIONS,
      argument,
      `${where}: the options ${argument.getText()} are not an object literal codegen can read; write them inline, e.g. ${kind.example}.`,
    );
    return undefined;
  }

  /** The TTL, undefined when there is none, null when it is invalid (and reported). */
  #readExpiration(
    file: SourceFile,
    entries: ReadonlyMap<string, Node>,
    where: string,
    kind: StateDecorator,
  ): StateExpiration | undefined | null {
    const [[firstOption, firstMode], [secondOption, secondMode]] = kind.expiryOptions;
    const first = entries.get(firstOption);
    const second = entries.get(secondOption);
    if (first && second) {
      this.#report(CodegenErrorCodes.INVALID_EXPIRATION, second, `${where} sets both ${firstOption} and ${secondOption}; choose one.`);
      return null;
    }
    const node = first ?? second;
    if (!node) return undefined;
    const option = first ? firstOption : secondOption;
    const value: string | number | undefined = Node.isNumericLiteral(node)
      ? node.getLiteralValue()
      : this.index.evaluateString(file, node);
    if (value === undefined) {
      this.#report(CodegenErrorCodes.UNREADABLE_OPTIONS, node, `${where}: ${option} ${node.getText()} is not a duration codegen can read; write a literal such as '30m' or 60000.`);
      return null;
    }
    try {
      const millis = toMillis(value as Duration, option);
      return { mode: first ? firstMode : secondMode, text: node.getText(), millis };
    } catch {
      this.#report(
        CodegenErrorCodes.INVALID_EXPIRATION,
        node,
        `${where}: ${option} ${node.getText()} is not a valid duration; use milliseconds (a number ≥ 0) or a string like '250ms', '30s', '5m', '2h', '1d'.`,
      );
      return null;
    }
  }

  /** A list's `maxLength`: undefined when there is none, null when it is invalid (and reported). */
  #readMaxLength(file: SourceFile, entries: ReadonlyMap<string, Node>, where: string): number | undefined | null {
    const node = entries.get('maxLength');
    if (!node) return undefined;
    const constant = Node.isIdentifier(node) ? this.index.constInitializer(file, node)?.expression : undefined;
    const literal = constant ?? node;
    const value = Node.isNumericLiteral(literal) ? literal.getLiteralValue() : undefined;
    if (value === undefined || !Number.isSafeInteger(value) || value <= 0) {
      this.#report(
        CodegenErrorCodes.INVALID_STATE_OPTION,
        node,
        `${where}: maxLength ${node.getText()} is not a positive integer codegen can read; write a literal such as 1000 (or a const holding one), or leave it out for no limit.`,
      );
      return null;
    }
    return value;
  }

  /** The message types `apply` reads from its message parameter, in order of first use. */
  #scanAccepts(file: SourceFile, apply: Node): ValueTypeReference[] {
    const fn = Node.isPropertyDeclaration(apply) ? apply.getInitializer() : apply;
    if (!fn || !(Node.isMethodDeclaration(fn) || Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) return [];
    const parameter = fn.getParameters()[1];
    const body = fn.getBody();
    if (!parameter || !body || !Node.isIdentifier(parameter.getNameNode())) return [];
    const messageName = parameter.getName();
    const accepted = new Map<string, ValueTypeReference>();
    for (const call of body.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee)) continue;
      const target = callee.getExpression();
      if (!Node.isIdentifier(target) || target.getText() !== messageName) continue;
      const method = callee.getName();
      let reference: ValueTypeReference | undefined;
      if (method === 'is' || method === 'as') {
        const argument = call.getArguments()[0];
        if (argument) reference = describeValueType(this.index, file, argument);
      } else if (MESSAGE_SHORTCUTS[method] !== undefined) {
        reference = builtinTypeReference(MESSAGE_SHORTCUTS[method]);
      }
      if (!reference) continue;
      const key = reference.typename ?? `expression:${reference.expression}`;
      if (!accepted.has(key)) accepted.set(key, reference);
    }
    return [...accepted.values()];
  }

  #withoutDuplicateTypenames(found: readonly ScannedFunction[]): ScannedFunction[] {
    const ordered = [...found].sort(
      (a, b) =>
        compareStrings(a.typename, b.typename) ||
        compareStrings(a.location.file, b.location.file) ||
        a.location.line - b.location.line,
    );
    const unique: ScannedFunction[] = [];
    for (const fn of ordered) {
      const first = unique.find((other) => other.typename === fn.typename);
      if (!first) {
        unique.push(fn);
        continue;
      }
      this.#report(
        CodegenErrorCodes.DUPLICATE_TYPENAME,
        fn.location,
        `Class ${fn.className} is registered as '${fn.typename}', which class ${first.className} (${first.location.file}:${first.location.line}:${first.location.column}) already uses; each typename may belong to one class only.`,
      );
    }
    return unique;
  }
}

function describeKind(kind: StateKind): string {
  return kind === 'value' ? '@ValueSpec' : kind === 'map' ? '@MapSpec' : '@ListSpec';
}
