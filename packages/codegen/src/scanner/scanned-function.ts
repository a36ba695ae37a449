/** Where something is in a project's sources: a workspace-relative path, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** How a module exports a symbol that generated code imports. */
export interface ImportableSymbol {
  /**
   * The module to import from: a workspace-relative `.ts` path for the project's own files
   * (generated code turns it into a relative specifier), or a package specifier such as
   * `@keyflow/sdk`.
   */
  readonly module: string;
  /** True when `module` is a package specifier rather than a project file. */
  readonly isPackage: boolean;
  /** The exported name; `default` for a default export. */
  readonly exportName: string;
}

/** The TTL of a state value or list (`@ValueSpec`, `@ListSpec`), or of each map entry (`@MapSpec`). */
export interface StateExpiration {
  /**
   * `after-call`: since the instance was last invoked; `after-write`: since the value (list,
   * map entry) was written; `after-access`: since the map entry was last read or written.
   */
  readonly mode: 'after-call' | 'after-write' | 'after-access';
  /** As written, e.g. `'30m'` or `60000`. */
  readonly text: string;
  readonly millis: number;
}

/** A value type as code refers to it: `Types.int`, `GreetingType`, … */
export interface ValueTypeReference {
  /** The expression as written in the source. */
  readonly expression: string;
  /** The typename on the wire when codegen can tell it statically (built-ins, literal typenames). */
  readonly typename: string | undefined;
  /**
   * How generated code can refer to the expression: the symbol to import for its root
   * identifier, and the property path below it (`Types.int` → `Types` + `['int']`).
   * Undefined when the type is not importable (a local, unexported constant, an inline call).
   */
  readonly importable: { readonly symbol: ImportableSymbol; readonly path: readonly string[] } | undefined;
}

/** Which decorator declares a state: `@ValueSpec`, `@MapSpec` or `@ListSpec`. */
export type StateKind = 'value' | 'map' | 'list';

/** One `@ValueSpec`, `@MapSpec` or `@ListSpec` field of a function. */
export interface ScannedState {
  readonly kind: StateKind;
  /** The class field, i.e. the key of `ctx.storage`. */
  readonly property: string;
  /** The state name on the wire (`name` option, else the field name). */
  readonly name: string;
  /** The value type; of each entry's value for a map, of each element for a list. */
  readonly type: ValueTypeReference;
  /** A list's `maxLength`, when it has one. */
  readonly maxLength: number | undefined;
  /** The field's declared TypeScript type, e.g. `number`, when it has an annotation. */
  readonly fieldType: string | undefined;
  readonly expiration: StateExpiration | undefined;
  readonly location: SourceLocation;
}

/** A `@StatefulFunction` class found in a project. */
export interface ScannedFunction {
  readonly typename: string;
  readonly namespace: string;
  readonly name: string;
  readonly className: string;
  /** How the class is exported from its file. */
  readonly symbol: ImportableSymbol;
  /** Its `@ValueSpec`, `@MapSpec` and `@ListSpec` fields, in declaration order. */
  readonly states: readonly ScannedState[];
  /**
   * The message types the function reads in `apply`: `msg.is(T)`, `msg.as(T)` and the
   * built-in shortcuts (`msg.asString()`, …), in order of first use.
   */
  readonly accepts: readonly ValueTypeReference[];
  readonly location: SourceLocation;
}
