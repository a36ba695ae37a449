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
    const callee = decorator.getCallExpression()?.getExpression() ?? decorator.getExpression();
    return this.index.sdkExportOf(file, callee) === name;
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
      const decorator = property.getDecorators().find((d) => this.#isSdkDecorator(file, d, 'ValueSpec'));
      if (!decorator) continue;
      const state = this.#scanState(file, property, decorator, className);
      if (!state) continue;
      const previous = byName.get(state.name);
      if (previous) {
        this.#report(
          CodegenErrorCodes.DUPLICATE_STATE,
          state.location,
          `State name '${state.name}' of ${className}.${state.property} is already used by ${className}.${previous.property} (line ${previous.location.line}); state names must be unique per function.`,
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
    className: string,
  ): ScannedState | undefined {
    const where = `@ValueSpec on ${className}.${property.getName()}`;
    const options = this.#readOptions(file, decorator, where);
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

    const typeNode = entries.get('type');
    if ((!typeNode || typeNode.getText() === 'undefined') && !failed) {
      this.#report(
        CodegenErrorCodes.STATE_TYPE_MISSING,
        decorator,
        `${where} has no type; give one, e.g. @ValueSpec({ type: Types.int }).`,
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

    const expiration = this.#readExpiration(optionsFile, entries, where);
    if (expiration === null) failed = true;
    if (failed || !typeNode) return undefined;
    return {
      property: property.getName(),
      name,
      type: describeValueType(this.index, optionsFile, typeNode),
      fieldType: property.getTypeNode()?.getText(),
      expiration: expiration ?? undefined,
      location: this.index.locationOf(decorator),
    };
  }

  /** The options object literal of `@ValueSpec(…)`, possibly through a `const`. */
  #readOptions(
    file: SourceFile,
    decorator: Decorator,
    where: string,
  ): { file: SourceFile; literal: ObjectLiteralExpression } | undefined {
    const argument = decorator.getCallExpression()?.getArguments()[0];
    if (!argument) {
      this.#report(CodegenErrorCodes.STATE_TYPE_MISSING, decorator, `${where} has no options and so no type; write e.g. @ValueSpec({ type: Types.int }).`);
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
      `${where}: the options ${argument.getText()} are not an object literal codegen can read; write them inline, e.g. @ValueSpec({ type: Types.int }).`,
    );
    return undefined;
  }

  /** The TTL, undefined when there is none, null when it is invalid (and reported). */
  #readExpiration(file: SourceFile, entries: ReadonlyMap<string, Node>, where: string): StateExpiration | undefined | null {
    const afterCall = entries.get('expireAfterCall');
    const afterWrite = entries.get('expireAfterWrite');
    if (afterCall && afterWrite) {
      this.#report(CodegenErrorCodes.INVALID_EXPIRATION, afterWrite, `${where} sets both expireAfterCall and expireAfterWrite; choose one.`);
      return null;
    }
    const node = afterCall ?? afterWrite;
    if (!node) return undefined;
    const option = afterCall ? 'expireAfterCall' : 'expireAfterWrite';
    const value: string | number | undefined = Node.isNumericLiteral(node)
      ? node.getLiteralValue()
      : this.index.evaluateString(file, node);
    if (value === undefined) {
      this.#report(CodegenErrorCodes.UNREADABLE_OPTIONS, node, `${where}: ${option} ${node.getText()} is not a duration codegen can read; write a literal such as '30m' or 60000.`);
      return null;
    }
    try {
      const millis = toMillis(value as Duration, option);
      return { mode: afterCall ? 'after-call' : 'after-write', text: node.getText(), millis };
    } catch {
      this.#report(
        CodegenErrorCodes.INVALID_EXPIRATION,
        node,
        `${where}: ${option} ${node.getText()} is not a valid duration; use milliseconds (a number ≥ 0) or a string like '250ms', '30s', '5m', '2h', '1d'.`,
      );
      return null;
    }
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
