import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh temporary folder per test, removed afterwards. Call at the top of a `describe`.
 *
 * @example
 * const dir = useTempDir('ingress-log');
 * it('…', async () => { const log = await IngressLog.open(dir.path); … });
 */
export function useTempDir(prefix: string): { readonly path: string } {
  let current: string | undefined;
  beforeEach(async () => {
    current = await mkdtemp(join(tmpdir(), `keyflow-${prefix}-`));
  });
  afterEach(async () => {
    if (current) await rm(current, { recursive: true, force: true });
    current = undefined;
  });
  return {
    get path(): string {
      if (!current) throw new Error('the temporary folder exists only inside a test');
      return current;
    },
  };
}
