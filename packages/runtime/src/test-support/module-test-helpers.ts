// Helpers for the module loader's specs: fixtures, problems, and readers over inline YAML.

import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, isMap, parseAllDocuments } from 'yaml';
import type { ModuleConfig } from '../config/module-config';
import { parseModule, type ModuleLoadOptions } from '../module/module-loader';
import { InvalidModuleError } from '../module/module-problem';
import type { ModuleProblem } from '../module/module-problem';
import { ProblemCollector } from '../module/problem-collector';
import { SpecReader } from '../module/spec-reader';

/** The folder of the YAML fixtures. */
export const FIXTURES = path.join(__dirname, '..', 'module', 'fixtures');

/** The absolute path of a fixture, e.g. `fixturePath('invalid/duplicates.yaml')`. */
export function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

/** Parses a fixture with `parseModule`, under its real path (so relative paths resolve next to it). */
export function parseFixture(name: string, options: ModuleLoadOptions = {}): ModuleConfig {
  const file = fixturePath(name);
  return parseModule(fs.readFileSync(file, 'utf8'), file, options);
}

/** The InvalidModuleError `fn` throws; fails the test when it throws anything else or nothing. */
export function moduleErrorOf(fn: () => unknown): InvalidModuleError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidModuleError);
    return error as InvalidModuleError;
  }
  throw new Error('expected an InvalidModuleError, but nothing was thrown');
}

/** `name:line:column` of each problem, with the file reduced to its base name, in reported order. */
export function problemPositions(error: InvalidModuleError): string[] {
  return error.problems.map((p) => `${path.basename(p.file)}:${p.line}:${p.column}`);
}

/** `name:line path` of each problem, the compact form most specs compare against. */
export function problemLines(error: InvalidModuleError): string[] {
  return error.problems.map((p) => `${path.basename(p.file)}:${p.line} ${p.path}`);
}

/** Joins lines into a YAML text, so specs can show line numbers next to the lines. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A SpecReader over the first document of `text` (a mapping), and the problems it records. */
export function readerFor(text: string, file = '/work/module.yaml'): { spec: SpecReader; problems: () => ModuleProblem[] } {
  const lineCounter = new LineCounter();
  const [document] = parseAllDocuments(text, { lineCounter });
  const contents = document?.contents;
  if (document === undefined || !isMap(contents)) throw new Error('readerFor needs a YAML mapping');
  const collector = new ProblemCollector();
  const context = { file, moduleDir: path.dirname(file), document, lineCounter, problems: collector };
  const spec = new SpecReader(context, contents, 'spec', 0);
  const problems = (): ModuleProblem[] => {
    try {
      collector.throwIfAny();
    } catch (error) {
      return [...(error as InvalidModuleError).problems];
    }
    return [];
  };
  return { spec, problems };
}
