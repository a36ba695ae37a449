import { posix } from 'node:path';
import {
  Node,
  Project,
  SyntaxKind,
  VariableDeclarationKind,
  type Expression,
  type Identifier,
  type SourceFile,
  type VariableDeclaration,
} from 'ts-morph';
import { compareStrings } from '../text/compare-strings';
import { withoutTsExtension } from '../text/posix-paths';
import type { ProjectSources } from './project-sources';
import type { ImportableSymbol, SourceLocation } from './scanned-function';

/** The package whose decorators and types the scanner recognizes. */
export const SDK_MODULE = '@keyflow/sdk';

/** What a top-level name of a file stands for, as far as the scanner follows it. */
export type ResolvedName =
  | { readonly kind: 'variable'; readonly file: SourceFile; readonly declaration: VariableDeclaration }
  | { readonly kind: 'package-import'; readonly module: string; readonly exportName: string }
  | { readonly kind: 'namespace-import'; readonly module: string }
  | { readonly kind: 'declaration'; readonly file: SourceFile; readonly node: Node };

/** A top-level name of a file, as declared there. */
export type LocalBinding =
  | { readonly kind: 'import'; readonly specifier: string; readonly exportName: string }
  | { readonly kind: 'namespace-import'; readonly specifier: string }
  | { readonly kind: 'variable'; readonly declaration: VariableDeclaration }
  | { readonly kind: 'declaration'; readonly node: Node };

const MAX_DEPTH = 8;

/**
 * The project's sources parsed into an in-memory ts-morph project, with the little name
 * resolution the scanner needs: top-level bindings, imports between project files, re-exports.
 * It is syntactic on purpose: no type checker, no module resolution outside the project, so a
 * scan is fast and the same on every machine.
 */
export class SourceIndex {
  readonly #files = new Map<string, SourceFile>();
  readonly #paths = new Map<SourceFile, string>();

  constructor(sources: ProjectSources) {
    const project = new Project({
      useInMemoryFileSystem: true,
      skipLoadingLibFiles: true,
      compilerOptions: { experimentalDecorators: true },
    });
    const paths = [...sources.files.keys()].sort(compareStrings);
    for (const path of paths) {
      const file = project.createSourceFile(`/${path}`, sources.files.get(path) ?? '', { overwrite: true });
      this.#files.set(path, file);
      this.#paths.set(file, path);
    }
  }

  /** Every file, sorted by path. */
  files(): SourceFile[] {
    return [...this.#files.values()];
  }

  /** The workspace-relative path of a file. */
  pathOf(file: SourceFile): string {
    return this.#paths.get(file) ?? file.getFilePath().replace(/^\//, '');
  }

  /** Where a node starts: `file`, 1-based line and column. */
  locationOf(node: Node): SourceLocation {
    const file = node.getSourceFile();
    const { line, column } = file.getLineAndColumnAtPos(node.getStart());
    return { file: this.pathOf(file), line, column };
  }

  /** The project file a relative specifier reaches, or undefined (a package, or a file outside the scan). */
  resolveModule(fromFile: SourceFile, specifier: string): SourceFile | undefined {
    if (!specifier.startsWith('.')) return undefined;
    const base = posix.normalize(posix.join(posix.dirname(this.pathOf(fromFile)), specifier));
    const candidates = [base, `${base}.ts`, base.replace(/\.[cm]?js$/, '.ts'), `${base}/index.ts`];
    for (const candidate of candidates) {
      const file = this.#files.get(candidate);
      if (file) return file;
    }
    return undefined;
  }

  /** The module generated code imports for `specifier` as written in `fromFile`. */
  moduleOf(fromFile: SourceFile, specifier: string): Pick<ImportableSymbol, 'module' | 'isPackage'> {
    if (!specifier.startsWith('.')) return { module: specifier, isPackage: true };
    const resolved = this.resolveModule(fromFile, specifier);
    if (resolved) return { module: withoutTsExtension(this.pathOf(resolved)), isPackage: false };
    const base = posix.normalize(posix.join(posix.dirname(this.pathOf(fromFile)), specifier));
    return { module: base.replace(/\.[cm]?[jt]s$/, ''), isPackage: false };
  }

  /** The name under which a top-level declaration of `file` is exported, or undefined. */
  exportNameOf(file: SourceFile, localName: string, node?: Node): string | undefined {
    if (node && Node.isModifierable(node)) {
      if (node.hasModifier(SyntaxKind.ExportKeyword)) {
        return node.hasModifier(SyntaxKind.DefaultKeyword) ? 'default' : localName;
      }
    }
    if (node && Node.isVariableDeclaration(node)) {
      const statement = node.getVariableStatement();
      if (statement?.hasExportKeyword()) return localName;
    }
    for (const declaration of file.getExportDeclarations()) {
      if (declaration.getModuleSpecifierValue() !== undefined) continue;
      for (const specifier of declaration.getNamedExports()) {
        if (specifier.getName() === localName) return specifier.getAliasNode()?.getText() ?? localName;
      }
    }
    for (const assignment of file.getExportAssignments()) {
      const expression = assignment.getExpression();
      if (!assignment.isExportEquals() && Node.isIdentifier(expression) && expression.getText() === localName) {
        return 'default';
      }
    }
    return undefined;
  }

  /** The top-level binding of `name` in `file`, as written there (imports are not followed). */
  bindingOf(file: SourceFile, name: string): LocalBinding | undefined {
    return findLocalBinding(file, name);
  }

  /** What `name`, used at the top level of `file`, stands for, following imports between project files. */
  resolveName(file: SourceFile, name: string, depth = 0): ResolvedName | undefined {
    const binding = this.bindingOf(file, name);
    if (!binding || depth > MAX_DEPTH) return undefined;
    switch (binding.kind) {
      case 'variable':
        return { kind: 'variable', file, declaration: binding.declaration };
      case 'declaration':
        return { kind: 'declaration', file, node: binding.node };
      case 'namespace-import':
        return { kind: 'namespace-import', module: binding.specifier };
      case 'import': {
        if (!binding.specifier.startsWith('.')) {
          return { kind: 'package-import', module: binding.specifier, exportName: binding.exportName };
        }
        const target = this.resolveModule(file, binding.specifier);
        return target ? this.resolveExport(target, binding.exportName, depth + 1) : undefined;
      }
    }
  }

  /** What the export `exportName` of `file` stands for, following re-exports. */
  resolveExport(file: SourceFile, exportName: string, depth = 0): ResolvedName | undefined {
    if (depth > MAX_DEPTH) return undefined;
    for (const statement of file.getStatements()) {
      if (Node.isVariableStatement(statement) && statement.hasExportKeyword() && exportName !== 'default') {
        const declaration = statement.getDeclarations().find((d) => d.getName() === exportName);
        if (declaration) return { kind: 'variable', file, declaration };
      } else if (
        (Node.isClassDeclaration(statement) || Node.isFunctionDeclaration(statement)) &&
        statement.hasExportKeyword()
      ) {
        const isDefault = statement.hasDefaultKeyword();
        if ((isDefault && exportName === 'default') || (!isDefault && statement.getName() === exportName)) {
          return { kind: 'declaration', file, node: statement };
        }
      } else if (Node.isExportDeclaration(statement)) {
        const specifier = statement.getModuleSpecifierValue();
        const target = specifier === undefined ? undefined : this.resolveModule(file, specifier);
        if (statement.isNamespaceExport() && !statement.getNamespaceExport()) {
          if (!target) continue;
          const found = this.resolveExport(target, exportName, depth + 1);
          if (found) return found;
          continue;
        }
        for (const named of statement.getNamedExports()) {
          const exported = named.getAliasNode()?.getText() ?? named.getName();
          if (exported !== exportName) continue;
          if (specifier === undefined) return this.resolveName(file, named.getName(), depth + 1);
          if (!specifier.startsWith('.')) return { kind: 'package-import', module: specifier, exportName: named.getName() };
          return target ? this.resolveExport(target, named.getName(), depth + 1) : undefined;
        }
      } else if (Node.isExportAssignment(statement) && !statement.isExportEquals() && exportName === 'default') {
        const expression = statement.getExpression();
        if (Node.isIdentifier(expression)) return this.resolveName(file, expression.getText(), depth + 1);
      }
    }
    return undefined;
  }

  /**
   * The sdk export an expression names: `StatefulFunction` for `StatefulFunction` (imported
   * from `@keyflow/sdk`, under any alias) or `sdk.StatefulFunction` (a namespace import).
   */
  sdkExportOf(file: SourceFile, expression: Node): string | undefined {
    if (Node.isIdentifier(expression)) {
      const resolved = this.resolveName(file, expression.getText());
      return resolved?.kind === 'package-import' && resolved.module === SDK_MODULE ? resolved.exportName : undefined;
    }
    if (Node.isPropertyAccessExpression(expression)) {
      const target = expression.getExpression();
      if (!Node.isIdentifier(target)) return undefined;
      const resolved = this.resolveName(file, target.getText());
      return resolved?.kind === 'namespace-import' && resolved.module === SDK_MODULE ? expression.getName() : undefined;
    }
    return undefined;
  }

  /**
   * The value of a string expression when it is known without running code: literals,
   * templates and `+` of those, and `const`s (also imported from project files) holding them.
   */
  evaluateString(file: SourceFile, expression: Node, depth = 0): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (Node.isStringLiteral(expression) || Node.isNoSubstitutionTemplateLiteral(expression)) {
      return expression.getLiteralValue();
    }
    if (Node.isTemplateExpression(expression)) {
      let text = expression.getHead().getLiteralText();
      for (const span of expression.getTemplateSpans()) {
        const value = this.evaluateString(file, span.getExpression(), depth + 1);
        if (value === undefined) return undefined;
        text += value + span.getLiteral().getLiteralText();
      }
      return text;
    }
    if (
      Node.isParenthesizedExpression(expression) ||
      Node.isAsExpression(expression) ||
      Node.isSatisfiesExpression(expression) ||
      Node.isTypeAssertion(expression)
    ) {
      return this.evaluateString(file, expression.getExpression(), depth + 1);
    }
    if (Node.isBinaryExpression(expression) && expression.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
      const left = this.evaluateString(file, expression.getLeft(), depth + 1);
      const right = this.evaluateString(file, expression.getRight(), depth + 1);
      return left === undefined || right === undefined ? undefined : left + right;
    }
    if (Node.isIdentifier(expression)) {
      const initializer = this.constInitializer(file, expression);
      return initializer ? this.evaluateString(initializer.file, initializer.expression, depth + 1) : undefined;
    }
    return undefined;
  }

  /** The initializer of the `const` an identifier names, and the file that declares it. */
  constInitializer(file: SourceFile, identifier: Identifier): { file: SourceFile; expression: Expression } | undefined {
    const resolved = this.resolveName(file, identifier.getText());
    if (resolved?.kind !== 'variable') return undefined;
    const statement = resolved.declaration.getVariableStatement();
    const initializer = resolved.declaration.getInitializer();
    if (!statement || !initializer || statement.getDeclarationKind() !== VariableDeclarationKind.Const) return undefined;
    return { file: resolved.file, expression: initializer };
  }
}

/** The top-level binding of `name` in `file`: an import, a variable, or another declaration. */
function findLocalBinding(file: SourceFile, name: string): LocalBinding | undefined {
  for (const declaration of file.getImportDeclarations()) {
    if (declaration.isTypeOnly()) continue;
    const specifier = declaration.getModuleSpecifierValue();
    if (declaration.getDefaultImport()?.getText() === name) return { kind: 'import', specifier, exportName: 'default' };
    if (declaration.getNamespaceImport()?.getText() === name) return { kind: 'namespace-import', specifier };
    for (const named of declaration.getNamedImports()) {
      if (named.isTypeOnly()) continue;
      const local = named.getAliasNode()?.getText() ?? named.getName();
      if (local === name) return { kind: 'import', specifier, exportName: named.getName() };
    }
  }
  const variable = file.getVariableDeclaration(name);
  if (variable && variable.getVariableStatement()?.getParent() === file) return { kind: 'variable', declaration: variable };
  const declaration = file.getClass(name) ?? file.getFunction(name) ?? file.getEnum(name);
  return declaration ? { kind: 'declaration', node: declaration } : undefined;
}
