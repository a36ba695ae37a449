import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomically } from '../files/atomic-file';
import type { CheckpointStorage } from './checkpoint-storage';

/** Checkpoints in a local folder. An object is written to a temporary file, synced, then renamed. */
export class FolderCheckpointStorage implements CheckpointStorage {
  readonly uri: string;

  constructor(private readonly root: string) {
    this.uri = pathToFileURL(root).href;
  }

  async put(name: string, data: Uint8Array): Promise<void> {
    await writeFileAtomically(this.#path(name), data);
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.#path(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const names: string[] = [];
    const walk = async (folder: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (!entry.name.endsWith('.tmp')) names.push(relative(this.root, path).split(sep).join('/'));
      }
    };
    await walk(this.root);
    return names.filter((name) => name.startsWith(prefix)).sort();
  }

  async delete(names: readonly string[]): Promise<void> {
    await Promise.all(names.map((name) => rm(this.#path(name), { force: true })));
  }

  #path(name: string): string {
    if (name.split('/').includes('..')) throw new Error(`invalid checkpoint object name ${name}`);
    return join(this.root, ...name.split('/'));
  }
}
