import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One import that crosses from one top-level folder of a source tree into another. */
export interface FolderEdge {
  readonly from: string;
  readonly to: string;
  /** The importing file, relative to the tree's root, and what it imports. */
  readonly file: string;
  readonly specifier: string;
}

/**
 * The imports between the top-level folders of `root` (files directly in `root` count as the
 * folder `.`), read from every `.ts` file that is not test code: specs and `test-support/` folders
 * may reach anywhere, the code they test may not. Package imports (`@keyflow/sdk`, `node:fs`)
 * are not edges.
 */
export function folderEdges(root: string): FolderEdge[] {
  const edges: FolderEdge[] = [];
  for (const file of sourceFiles(root)) {
    const from = topFolder(root, file);
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles;
    for (const { fileName: specifier } of imports) {
      if (!specifier.startsWith('.')) continue;
      const to = topFolder(root, resolve(dirname(file), specifier));
      if (to !== from) edges.push({ from, to, file: relative(root, file), specifier });
    }
  }
  return edges;
}

/**
 * The cycles among folders: each strongly connected group of two or more folders, with the
 * imports that tie it together, so a failure names the files to change.
 */
export function folderCycles(edges: readonly FolderEdge[]): { folders: string[]; edges: FolderEdge[] }[] {
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!next.has(edge.from)) next.set(edge.from, new Set());
    if (!next.has(edge.to)) next.set(edge.to, new Set());
    next.get(edge.from)?.add(edge.to);
  }
  return stronglyConnected(next)
    .filter((group) => group.length > 1)
    .map((group) => {
      const members = new Set(group);
      return { folders: group.sort(), edges: edges.filter((edge) => members.has(edge.from) && members.has(edge.to)) };
    });
}

// Tarjan's algorithm: one pass, each folder's group found when its search returns to it.
function stronglyConnected(next: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    groups.push(group);
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return groups;
}

function topFolder(root: string, file: string): string {
  const path = relative(root, file);
  return path.includes(sep) ? (path.split(sep)[0] ?? '.') : '.';
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}
