import { posix } from 'node:path';
import type { Tree } from '@nx/devkit';
import type { ProjectFiles } from '../codegen/project-files';
import type { SyncPlan } from '../codegen/sync-generated-files';
import { compareStrings } from '../text/compare-strings';

/** {@link ProjectFiles} over an Nx generator's tree: reads see the generator's pending changes. */
export function treeProjectFiles(tree: Tree): ProjectFiles {
  return {
    listFiles(dir) {
      const found: string[] = [];
      const walk = (path: string): void => {
        if (tree.isFile(path)) {
          found.push(path);
          return;
        }
        for (const child of tree.children(path)) walk(posix.join(path, child));
      };
      if (tree.exists(dir)) walk(dir);
      return found.sort(compareStrings);
    },
    readFile(path) {
      return tree.exists(path) && tree.isFile(path) ? (tree.read(path, 'utf-8') ?? undefined) : undefined;
    },
  };
}

/** Writes a sync plan into the tree, so `--dry-run` lists the files codegen would change. */
export function applySyncToTree(plan: SyncPlan, tree: Tree): void {
  for (const file of plan.changed) tree.write(file.path, file.content);
  for (const path of plan.obsolete) tree.delete(path);
}
