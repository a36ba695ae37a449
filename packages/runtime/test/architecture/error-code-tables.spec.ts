import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// Every KF_ code the packages raise or answer with is in a package's table (the `*ErrorCodes`
// objects, which together make the `ErrorCode` type): a code written as a bare string in the
// source would otherwise escape both the type and the documentation of the tables.

const PACKAGES = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path);
    return /\.(ts|cjs)$/.test(entry.name) && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = readdirSync(PACKAGES).flatMap((name) => ['src', 'bin'].flatMap((folder) => {
  try {
    return sourceFiles(join(PACKAGES, name, folder));
  } catch {
    return [];
  }
}));

/** The source without its `/** … *\/` blocks: their examples may name codes of no table (a package author's). */
function withoutDocComments(source: string): string {
  return source.replace(/\/\*\*[\s\S]*?\*\//g, '');
}

/** A code in quotes or backticks, or in the `[KF_…]` prefix the bin script prints itself. */
const CODE_LITERAL = /['"`[](KF_[A-Z0-9_]+)['"`\]]/g;

describe('error code tables', () => {
  const tables = files.filter((file) => /export const \w+ErrorCodes = defineErrorCodes\(\s*\{/.test(readFileSync(file, 'utf8')));
  const tabled = new Set(tables.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(CODE_LITERAL)].map((match) => match[1])));

  it('finds the tables of every package', () => {
    expect(tables.map((file) => relative(PACKAGES, file).split('/')[0]).filter((name, index, all) => all.indexOf(name) === index).sort()).toEqual(
      ['codegen', 'connectors', 'runtime', 'sdk', 'testing'],
    );
    expect(tabled.has('KF_UNKNOWN_FUNCTION')).toBe(true);
  });

  it('has every code the sources write in a table', () => {
    const stray = files
      .filter((file) => !tables.includes(file))
      .flatMap((file) => [...withoutDocComments(readFileSync(file, 'utf8')).matchAll(CODE_LITERAL)].map((match) => ({ file: relative(PACKAGES, file), code: match[1] })))
      .filter(({ code }) => code !== undefined && !tabled.has(code) && !code.startsWith('KF_TEST_'));
    expect(stray).toEqual([]);
  });
});
