// The `check-generated` targets of this workspace, as Nx itself resolves their inputs: every
// committed generated file must be an input, or Nx answers a hand edit of it from its cache
// and the staleness check never runs.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from '../src/test-support/temp-workspace';

// Nx computes the project graph on its first call: slow on a loaded machine.
jest.setTimeout(120_000);

const run = promisify(execFile);

async function nx(args: string[]): Promise<unknown> {
  const { stdout } = await run(join(WORKSPACE_ROOT, 'node_modules', '.bin', 'nx'), [...args, '--json'], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

/** Files under `dir` (workspace-relative, posix), recursively; none when it does not exist. */
function filesUnder(dir: string): string[] {
  const absolute = join(WORKSPACE_ROOT, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(WORKSPACE_ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

describe('check-generated inputs, as Nx resolves them', () => {
  it('include every generated file each check compares (sdk protobuf code, codegen outputs of the examples)', async () => {
    const projects = (await nx(['show', 'projects', '--with-target', 'check-generated'])) as string[];
    expect(projects).toEqual(expect.arrayContaining(['sdk', 'examples']));
    for (const project of projects) {
      const { root } = (await nx(['show', 'project', project])) as { root: string };
      const { files } = (await nx(['show', 'target', 'inputs', `${project}:check-generated`])) as { files: string[] };
      const generated = [...filesUnder(`${root}/src/generated`), ...filesUnder(`${root}/deploy`)];
      expect(generated.length).toBeGreaterThan(0);
      expect({ project, missing: generated.filter((file) => !files.includes(file)) }).toEqual({ project, missing: [] });
    }
  });
});
