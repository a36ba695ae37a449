import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node, YAMLMap } from 'yaml';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { closestMatch } from './closest-match';
import {
  type RangeOptions,
  Rejected,
  TYPENAMES_EXPECTED,
  TYPENAME_EXPECTED,
  inRange,
  rangeText,
  toBoolean,
  toInteger,
  toText,
  toTypename,
} from './spec-conversions';
import { DURATION_EXAMPLES, parseDurationMillis } from './duration';
import { childPath, itemPath } from './key-path';
import { resolveModulePath } from './module-paths';
import type { ProblemCollector } from './problem-collector';
import { describeNode, findPair, isNullNode, keyText, resolveNode, startOf } from './yaml-nodes';

/** Where a value is in a module file (1-based). */
export interface SpecPosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type { RangeOptions } from './spec-conversions';

/** Options for {@link SpecReader.string}. */
export interface StringOptions {
  /** What the value should be, for messages, e.g. "a Kafka bootstrap address such as 'kafka:9092'". */
  readonly expected?: string;
}

/** Options for the list accessors. */
export interface ListOptions {
  /** Report an empty list as an error. */
  readonly nonEmpty?: boolean;
}

/** What a key holds, as {@link SpecReader.typeOf} tells it; `null` is an explicit empty value. */
export type SpecValueType = 'missing' | 'null' | 'string' | 'number' | 'boolean' | 'map' | 'list';

/**
 * What a SpecReader needs from the loader: the document it reads, how to turn offsets into
 * lines, where problems go, and the folder relative paths are resolved against.
 * @internal Created by the module loader; connector code receives ready readers.
 */
export interface SpecReaderContext {
  readonly file: string;
  readonly moduleDir: string;
  readonly document: Document;
  readonly lineCounter: LineCounter;
  readonly problems: ProblemCollector;
}

/**
 * Typed, positioned access to one mapping of a module.yaml document (a `spec`, or a mapping
 * inside it). Every accessor validates the value and, when it is wrong, records a problem with
 * file, line, column, key path, the bad value and what was expected, and returns a stand-in
 * value, so that parsing goes on and the user sees every problem of a file at once. The loader
 * throws after the whole file was read whenever a problem was recorded, so stand-in values
 * never reach the runtime.
 *
 * Every key read through an accessor (or named in {@link ignore}) is known; {@link finish}
 * reports the others as unknown keys, which catches typos. Free-form maps read with
 * {@link stringMap} or {@link at} are not checked key by key.
 *
 * Accessors without `optional` in their name report a missing key; the `optional…` ones return
 * `undefined` for a missing key or an empty value (`key:` or `key: ~`).
 *
 * @example
 * // A connector's ModuleExtension.parse
 * parse(spec) {
 *   const topics = spec.list('topics', { nonEmpty: true }).map((topic) => ({
 *     topic: topic.string('topic'),
 *     valueType: topic.typename('valueType'),
 *     targets: topic.typenameList('targets', { nonEmpty: true }),
 *   }));
 *   return {
 *     id: spec.typename('id'),
 *     address: spec.string('address'),
 *     startupPosition: spec.optionalObject('startupPosition')?.enumOf('type', ['earliest', 'latest']) ?? 'latest',
 *     properties: spec.optionalStringMap('properties') ?? {},
 *     topics,
 *   };
 * }
 */
export class SpecReader {
  /** The key path of this mapping, e.g. `spec.transport` or `spec.routes[0]`. */
  readonly path: string;
  private readonly context: SpecReaderContext;
  private readonly map: YAMLMap | undefined;
  private readonly anchor: number;
  private readonly read = new Set<string>();
  private readonly objects = new Map<string, SpecReader>();
  private readonly lists = new Map<string, SpecReader[]>();
  private finished = false;

  /**
   * @internal Created by the module loader. `map` undefined makes a stand-in reader for a
   * mapping that is missing or invalid (already reported): it reports nothing more.
   * `anchor` is the offset problems about missing keys point at.
   */
  constructor(context: SpecReaderContext, map: YAMLMap | undefined, path: string, anchor: number) {
    this.context = context;
    this.map = map;
    this.path = path;
    this.anchor = anchor;
  }

  /** True when `key` is present (even with an empty value). Does not mark the key as known. */
  has(key: string): boolean {
    return this.map !== undefined && findPair(this.map, key) !== undefined;
  }

  /** What `key` holds, for settings that accept several forms. Does not mark the key as known. */
  typeOf(key: string): SpecValueType {
    if (!this.has(key)) return 'missing';
    const node = this.lookup(key);
    if (isNullNode(node)) return 'null';
    if (isMap(node)) return 'map';
    if (isSeq(node)) return 'list';
    const value: unknown = isScalar(node) ? node.value : undefined;
    if (typeof value === 'number' || typeof value === 'bigint') return 'number';
    if (typeof value === 'boolean') return 'boolean';
    return 'string';
  }

  /** Where `key`'s value is (or this mapping, without a key), for your own messages. */
  location(key?: string): SpecPosition {
    return this.positionOf(this.offsetOf(key));
  }

  /**
   * A required non-empty string. Numbers and booleans are accepted as their text.
   * `options.expected` describes the value in messages (default: "a non-empty string").
   *
   * @example spec.string('address', { expected: "a Kafka bootstrap address such as 'kafka:9092'" })
   */
  string(key: string, options: StringOptions = {}): string {
    return this.value(key, true, options.expected ?? 'a non-empty string', toText) ?? '';
  }

  /** Like {@link string}, undefined when absent. */
  optionalString(key: string, options: StringOptions = {}): string | undefined {
    return this.value(key, false, options.expected ?? 'a non-empty string', toText);
  }

  /** A required integer within `range` (inclusive). Digit strings such as `"1000"` are accepted. */
  int(key: string, range: RangeOptions = {}): number {
    return this.intValue(key, range, true) ?? range.min ?? 0;
  }

  /** Like {@link int}, undefined when absent. */
  optionalInt(key: string, range: RangeOptions = {}): number | undefined {
    return this.intValue(key, range, false);
  }

  /** A required `true` or `false`. */
  boolean(key: string): boolean {
    return this.value(key, true, 'true or false', toBoolean) ?? false;
  }

  /** Like {@link boolean}, undefined when absent. */
  optionalBoolean(key: string): boolean | undefined {
    return this.value(key, false, 'true or false', toBoolean);
  }

  /**
   * A required duration, in milliseconds: StateFun's forms (`'1m'`, `'1 min'`, `'20s'`,
   * `'10 sec'`, `'100ms'`, `'2h'`, `'1d'`), ISO-8601 (`'PT1M'`), or a number of milliseconds.
   */
  duration(key: string, range: RangeOptions = {}): number {
    return this.durationValue(key, range, true) ?? range.min ?? 0;
  }

  /** Like {@link duration}, undefined when absent. */
  optionalDuration(key: string, range: RangeOptions = {}): number | undefined {
    return this.durationValue(key, range, false);
  }

  /** A required string that is one of `values`; a near miss is suggested in the message. */
  enumOf<T extends string>(key: string, values: readonly T[]): T {
    return this.enumValue(key, values, true) ?? (values[0] as T);
  }

  /** Like {@link enumOf}, undefined when absent. */
  optionalEnumOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    return this.enumValue(key, values, false);
  }

  /** A required typename `<namespace>/<name>`, e.g. an ingress id or a value type. */
  typename(key: string): string {
    return this.value(key, true, TYPENAME_EXPECTED, toTypename) ?? '';
  }

  /** Like {@link typename}, undefined when absent. */
  optionalTypename(key: string): string | undefined {
    return this.value(key, false, TYPENAME_EXPECTED, toTypename);
  }

  /**
   * A required file path, made absolute: relative paths are relative to the module file's
   * folder, `~/` is the home folder.
   */
  filePath(key: string): string {
    return this.filePathValue(key, true) ?? '';
  }

  /** Like {@link filePath}, undefined when absent. */
  optionalFilePath(key: string): string | undefined {
    return this.filePathValue(key, false);
  }

  /** A required list of non-empty strings. */
  stringList(key: string, options: ListOptions = {}): string[] {
    return this.scalarList(key, options, true, 'a non-empty string', 'a list of strings', toText) ?? [];
  }

  /** Like {@link stringList}, undefined when absent. */
  optionalStringList(key: string, options: ListOptions = {}): string[] | undefined {
    return this.scalarList(key, options, false, 'a non-empty string', 'a list of strings', toText);
  }

  /** A required list of typenames, e.g. the `targets` of an ingress. */
  typenameList(key: string, options: ListOptions = {}): string[] {
    return this.scalarList(key, options, true, TYPENAME_EXPECTED, TYPENAMES_EXPECTED, toTypename) ?? [];
  }

  /** Like {@link typenameList}, undefined when absent. */
  optionalTypenameList(key: string, options: ListOptions = {}): string[] | undefined {
    return this.scalarList(key, options, false, TYPENAME_EXPECTED, TYPENAMES_EXPECTED, toTypename);
  }

  /**
   * A required nested mapping, as a reader of its own (its unknown keys are reported too).
   * When missing or invalid, returns a stand-in reader that reports nothing more.
   */
  object(key: string): SpecReader {
    return this.objectValue(key, true) ?? new SpecReader(this.context, undefined, childPath(this.path, key), this.anchor);
  }

  /** Like {@link object}, undefined when absent. */
  optionalObject(key: string): SpecReader | undefined {
    return this.objectValue(key, false);
  }

  /** A required list of mappings, each as a reader (e.g. the `topics` of a Kafka ingress). */
  list(key: string, options: ListOptions = {}): SpecReader[] {
    return this.listValue(key, options, true) ?? [];
  }

  /** Like {@link list}, undefined when absent. */
  optionalList(key: string, options: ListOptions = {}): SpecReader[] | undefined {
    return this.listValue(key, options, false);
  }

  /**
   * A required free-form map of names to strings, such as Kafka client `properties` or a
   * process `env`. Accepts a mapping (`{ a: 1 }`) or StateFun's list of single-entry mappings
   * (`[{ a: 1 }]`); scalar values become their text, an empty value the empty string. Keys
   * are not checked: the map belongs to whoever consumes it.
   */
  stringMap(key: string): Record<string, string> {
    return this.stringMapValue(key, true) ?? {};
  }

  /** Like {@link stringMap}, undefined when absent. */
  optionalStringMap(key: string): Record<string, string> | undefined {
    return this.stringMapValue(key, false);
  }

  /**
   * An absolute path for a path written in this module file: relative to the module file's
   * folder, `~/` under the home folder. For paths embedded in other values (URLs).
   */
  resolvePath(value: string): string {
    return resolveModulePath(value, this.context.moduleDir);
  }

  /**
   * The plain JavaScript value of `key` (undefined when absent), unchecked, for settings of
   * your own shape. Marks the key as known; nothing below it is checked for unknown keys.
   */
  at(key: string): unknown {
    this.read.add(key);
    const node = this.lookup(key);
    return node === undefined ? undefined : node.toJS(this.context.document);
  }

  /** Marks keys as known without reading them: accepted but without effect (e.g. deprecated). */
  ignore(...keys: string[]): void {
    for (const key of keys) this.read.add(key);
  }

  /**
   * Records a problem about `key` (or about this mapping when `key` is undefined): the message
   * says `<path> <found>, expected <expected>`, where `found` defaults to the value as written
   * (`is "abc"`, `is missing`). The key counts as known afterwards (no second "unknown key").
   * Does nothing on the stand-in reader of a missing mapping, which was reported already.
   *
   * @example spec.error('startupPosition', "a 'date' for type 'date'", 'has no date');
   */
  error(key: string | undefined, expected: string, found?: string): void {
    if (key !== undefined) this.read.add(key);
    // A stand-in for a missing or invalid mapping: that was reported, its contents cannot be.
    if (this.map === undefined) return;
    const path = key === undefined ? this.path : childPath(this.path, key);
    const node = key === undefined ? this.map : this.lookup(key);
    const what = found ?? `is ${key !== undefined && !this.has(key) ? 'missing' : describeNode(node)}`;
    this.addProblem(this.offsetOf(key), path, `${what}, expected ${expected}`);
  }

  /**
   * Reports every key of this mapping (and of the mappings and lists read from it) that no
   * accessor read, as a typo or a setting Keyflow does not know. The loader calls it after
   * a kind's parser returned; calling it again does nothing.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.map === undefined) return;
    const known = [...this.read];
    for (const pair of this.map.items) {
      const key = keyText(pair);
      if (this.read.has(key)) continue;
      const hint = closestMatch(key, known);
      const expected = known.length === 0 ? 'no settings here' : `one of: ${known.join(', ')}`;
      const typo = hint === undefined ? '' : ` (did you mean '${hint}'?)`;
      this.addProblem(startOf(pair.key, this.anchor), childPath(this.path, key), `is not a known key${typo}, expected ${expected}`);
    }
    for (const reader of this.objects.values()) reader.finish();
    for (const readers of this.lists.values()) for (const reader of readers) reader.finish();
  }

  private intValue(key: string, range: RangeOptions, required: boolean): number | undefined {
    const expected = `an integer${rangeText(range, '')}`;
    return this.value(key, required, expected, (node) => {
      const value = toInteger(node);
      return value !== undefined && inRange(value, range) ? value : new Rejected();
    });
  }

  private durationValue(key: string, range: RangeOptions, required: boolean): number | undefined {
    const expected = `a duration${rangeText(range, 'ms')}, ${DURATION_EXAMPLES}`;
    return this.value(key, required, expected, (node) => {
      const millis = parseDurationMillis(isScalar(node) ? node.value : undefined);
      return millis !== undefined && inRange(millis, range) ? millis : new Rejected();
    });
  }

  private enumValue<T extends string>(key: string, values: readonly T[], required: boolean): T | undefined {
    const expected = `one of ${values.map((v) => `'${v}'`).join(', ')}`;
    return this.value(key, required, expected, (node) => {
      const text = toText(node);
      if (typeof text === 'string' && (values as readonly string[]).includes(text)) return text as T;
      const hint = typeof text === 'string' ? closestMatch(text, values) : undefined;
      return new Rejected(hint === undefined ? expected : `${expected} (did you mean '${hint}'?)`);
    });
  }

  private filePathValue(key: string, required: boolean): string | undefined {
    const text = this.value(key, required, 'a file path', toText);
    if (text === undefined) return undefined;
    if (text.startsWith('classpath:')) {
      this.error(key, 'a file path (Java classpath resources do not exist in Keyflow)');
      return undefined;
    }
    return resolveModulePath(text, this.context.moduleDir);
  }

  private objectValue(key: string, required: boolean): SpecReader | undefined {
    const cached = this.objects.get(key);
    if (cached) return cached;
    const map = this.value(key, required, 'a mapping of settings', (node) =>
      isMap(node) ? node : new Rejected(),
    );
    if (map === undefined) return undefined;
    const pair = this.map === undefined ? undefined : findPair(this.map, key);
    const reader = new SpecReader(this.context, map, childPath(this.path, key), startOf(pair?.key, this.anchor));
    this.objects.set(key, reader);
    return reader;
  }

  private listValue(key: string, options: ListOptions, required: boolean): SpecReader[] | undefined {
    const cached = this.lists.get(key);
    if (cached) return cached;
    const path = childPath(this.path, key);
    const readers = this.listItems(key, options, required, 'a list of mappings', (item, index) => {
      if (isMap(item)) return new SpecReader(this.context, item, itemPath(path, index), startOf(item, this.anchor));
      this.problemAt(item, itemPath(path, index), `is ${describeNode(item)}, expected a mapping`);
      return undefined;
    });
    if (readers !== undefined) this.lists.set(key, readers);
    return readers;
  }

  private stringMapValue(key: string, required: boolean): Record<string, string> | undefined {
    const expected = 'a mapping of names to values, or a list of single-entry mappings';
    const path = childPath(this.path, key);
    return this.value(key, required, expected, (node) => {
      const entries: Record<string, string> = {};
      const addMap = (map: YAMLMap): void => {
        for (const pair of map.items) {
          const name = keyText(pair);
          const value = resolveNode(pair.value, this.context.document);
          const text = value === undefined || isNullNode(value) ? '' : toText(value);
          if (typeof text === 'string') entries[name] = text;
          else this.problemAt(value, childPath(path, name), `is ${describeNode(value)}, expected a string, number or boolean`);
        }
      };
      if (isMap(node)) addMap(node);
      else if (isSeq(node)) {
        node.items.forEach((raw, index) => {
          const item = resolveNode(raw, this.context.document);
          if (isMap(item)) addMap(item);
          else this.problemAt(item ?? raw, itemPath(path, index), `is ${describeNode(item)}, expected a single-entry mapping such as 'name: value'`);
        });
      } else return new Rejected();
      return entries;
    });
  }

  private value<T>(key: string, required: boolean, expected: string, convert: (node: Node) => T | Rejected): T | undefined {
    this.read.add(key);
    if (this.map === undefined) return undefined;
    const node = this.lookup(key);
    if (node === undefined || isNullNode(node)) {
      if (required) this.error(key, expected);
      return undefined;
    }
    const result = convert(node);
    if (result instanceof Rejected) {
      this.error(key, result.expected ?? expected, result.found);
      return undefined;
    }
    return result;
  }

  private listItems<T>(
    key: string,
    options: ListOptions,
    required: boolean,
    expected: string,
    convert: (item: Node | undefined, index: number) => T | undefined,
  ): T[] | undefined {
    const fullExpected = options.nonEmpty === true ? `a non-empty ${expected.replace(/^an? /, '')}` : expected;
    return this.value(key, required, fullExpected, (node) => {
      if (!isSeq(node)) return new Rejected();
      if (options.nonEmpty === true && node.items.length === 0) return new Rejected(undefined, 'is an empty list');
      const items: T[] = [];
      node.items.forEach((raw, index) => {
        const item = convert(resolveNode(raw, this.context.document), index);
        if (item !== undefined) items.push(item);
      });
      return items;
    });
  }

  private scalarList<T>(
    key: string,
    options: ListOptions,
    required: boolean,
    itemExpected: string,
    listExpected: string,
    convert: (node: Node) => T | Rejected,
  ): T[] | undefined {
    const path = childPath(this.path, key);
    return this.listItems(key, options, required, listExpected, (item, index) => {
      const value = item === undefined || isNullNode(item) ? undefined : convert(item);
      if (value !== undefined && !(value instanceof Rejected)) return value;
      this.problemAt(item, itemPath(path, index), `is ${describeNode(item)}, expected ${itemExpected}`);
      return undefined;
    });
  }

  private lookup(key: string): Node | undefined {
    if (this.map === undefined) return undefined;
    const pair = findPair(this.map, key);
    return pair === undefined ? undefined : resolveNode(pair.value, this.context.document);
  }

  /**
   * Where a problem about `key` points: at a scalar value itself, at the key for a mapping or
   * list value (whose first item may be lines below), at this mapping's anchor for a missing key.
   */
  private offsetOf(key: string | undefined): number {
    if (key === undefined || this.map === undefined) return this.anchor;
    const pair = findPair(this.map, key);
    if (pair === undefined) return this.anchor;
    const keyOffset = startOf(pair.key, this.anchor);
    const value = resolveNode(pair.value, this.context.document);
    return isMap(value) || isSeq(value) ? keyOffset : startOf(pair.value, keyOffset);
  }

  private problemAt(node: unknown, path: string, message: string): void {
    this.addProblem(startOf(node, this.anchor), path, message);
  }

  private addProblem(offset: number, path: string, message: string): void {
    const { line, column } = this.positionOf(offset);
    this.context.problems.add({
      code: RuntimeErrorCodes.MODULE_INVALID,
      file: this.context.file,
      line,
      column,
      path,
      message: `${path} ${message}`,
    });
  }

  private positionOf(offset: number): SpecPosition {
    const { line, col } = this.context.lineCounter.linePos(offset);
    return { file: this.context.file, line, column: col };
  }
}
