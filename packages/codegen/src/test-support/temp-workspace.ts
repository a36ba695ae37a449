import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway folder standing in for a workspace, with helpers to write and read its files. */
export class TempWorkspace {
  readonly root: string;

  /** `under`: where to create it; the OS temp folder unless the test needs workspace module resolution. */
  constructor(under: string = tmpdir()) {
    mkdirSync(under, { recursive: true });
    this.root = mkdtempSync(join(under, 'keyflow-codegen-'));
  }

  write(files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
      const absolute = join(this.root, path);
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, text);
    }
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  exists(path: string): boolean {
    return existsSync(join(this.root, path));
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The workspace this package lives in. */
export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..');
