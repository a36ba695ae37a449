import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isGeneratedText } from '../emitters/generated-header';
import { compareStrings } from '../text/compare-strings';
import type { GeneratedFile } from './generated-file';
import type { ProjectFiles } from './project-files';

/** How the files on disk (or in a tree) differ from what codegen produces now. */
export interface SyncPlan {
  /** Files to write: missing, or with other content. */
  readonly changed: readonly GeneratedFile[];
  /** Files already up to date. */
  readonly unchanged: readonly string[];
  /** Generated files in codegen's folders that codegen no longer produces. */
  readonly obsolete: readonly string[];
}

/**
 * Compares `expected` with the current files. `ownedDirs` are folders codegen fills
 * (`src/generated/proto/`, `deploy/k8s/`, …): a file there that carries the generated header
 * but is no longer produced is obsolete. Hand-written files are never touched.
 */
export function planSync(expected: readonly GeneratedFile[], ownedDirs: readonly string[], files: ProjectFiles): SyncPlan {
  const changed: GeneratedFile[] = [];
  const unchanged: string[] = [];
  const expectedPaths = new Set(expected.map((file) => file.path));
  for (const file of expected) {
    if (files.readFile(file.path) === file.content) unchanged.push(file.path);
    else changed.push(file);
  }
  const obsolete = new Set<string>();
  for (const dir of ownedDirs) {
    for (const path of files.listFiles(dir)) {
      if (expectedPaths.has(path)) continue;
      const text = files.readFile(path);
      if (text !== undefined && isGeneratedText(text)) obsolete.add(path);
    }
  }
  return {
    changed: [...changed].sort((a, b) => compareStrings(a.path, b.path)),
    unchanged: unchanged.sort(compareStrings),
    obsolete: [...obsolete].sort(compareStrings),
  };
}

/** True when nothing needs to change. */
export function isUpToDate(plan: SyncPlan): boolean {
  return plan.changed.length === 0 && plan.obsolete.length === 0;
}

/** Writes the changed files and deletes the obsolete ones, under `workspaceRoot`. */
export function applySyncToDisk(plan: SyncPlan, workspaceRoot: string): void {
  for (const file of plan.changed) {
    const absolute = join(workspaceRoot, file.path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, file.content);
  }
  for (const path of plan.obsolete) rmSync(join(workspaceRoot, path), { force: true });
}
