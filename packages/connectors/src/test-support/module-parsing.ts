// Helpers for the kind specs: parse inline module.yaml with this package's kinds.

import { basename } from 'node:path';
import { parseModule, type ModuleConfig } from '@keyflow/runtime';
import { keyflowKinds } from '../keyflow-kinds';

/** What the loader reports per problem (InvalidModuleError is not part of the runtime's API). */
interface Problem {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly message: string;
}

/** Joins lines into a YAML text, so specs can show line numbers next to the lines. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** Parses `text` as `/work/module.yaml` with the connector kinds. */
export function parse(text: string): ModuleConfig {
  return parseModule(text, '/work/module.yaml', { kinds: keyflowKinds });
}

/** The config of the only document of `text`. */
export function configOf<T>(text: string): T {
  const [component] = parse(text).components;
  if (!component) throw new Error('no document');
  return component.config as T;
}

/** `module.yaml:<line> <path>: <message>` of each problem `text` has; fails when it has none. */
export function problemsOf(text: string): string[] {
  try {
    parse(text);
  } catch (error) {
    const problems = (error as { problems?: readonly Problem[] }).problems;
    if (!problems) throw error;
    return problems.map((p) => `${basename(p.file)}:${p.line} ${p.message}`);
  }
  throw new Error('expected the module to be invalid');
}
