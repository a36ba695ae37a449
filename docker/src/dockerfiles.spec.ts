import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { contextSources, parseDockerfile, stageNames } from './dockerfile-parser';

const repoRoot = resolve(__dirname, '../..');
const catalogue = JSON.parse(readFileSync(join(repoRoot, 'docker/images.json'), 'utf8')) as {
  images: { image: string; dockerfile: string }[];
};

describe('parseDockerfile', () => {
  it('joins continuations, skips comments and reads flags and the exec form', () => {
    const parsed = parseDockerfile(
      ['# comment', 'FROM node:20 AS build', 'COPY --chown=1:1 a \\', '  b /dst/', 'COPY --from=build /out /app', 'RUN ["node", "x.js"]'].join('\n'),
    );
    expect(parsed.map((instruction) => [instruction.keyword, instruction.line])).toEqual([
      ['FROM', 2],
      ['COPY', 3],
      ['COPY', 5],
      ['RUN', 6],
    ]);
    expect(parsed[1]).toMatchObject({ args: ['a', 'b', '/dst/'], flags: { chown: '1:1' } });
    expect(parsed[3]?.args).toEqual(['node', 'x.js']);
    expect(stageNames(parsed)).toEqual(['build']);
    expect(contextSources(parsed)).toEqual([
      { path: 'a', line: 3 },
      { path: 'b', line: 3 },
    ]);
  });
});

/** The workspace's packages: name → folder (packages/* and apps/*). */
const WORKSPACE_PACKAGES: ReadonlyMap<string, string> = new Map(
  ['packages', 'apps'].flatMap((parent) =>
    readdirSync(join(repoRoot, parent))
      .filter((name) => existsSync(join(repoRoot, parent, name, 'package.json')))
      .map((name) => [(JSON.parse(readFileSync(join(repoRoot, parent, name, 'package.json'), 'utf8')) as { name: string }).name, `${parent}/${name}`] as const),
  ),
);
const WORKSPACE_FOLDERS: ReadonlySet<string> = new Set(WORKSPACE_PACKAGES.values());

describe.each(catalogue.images)('the Dockerfile of $image', ({ dockerfile }) => {
  const instructions = parseDockerfile(readFileSync(join(repoRoot, dockerfile), 'utf8'));

  it('copies only paths that exist in the repository (the build context is its root)', () => {
    const sources = contextSources(instructions);
    expect(sources.length).toBeGreaterThan(0);
    const missing = sources.filter((source) => !existsSync(join(repoRoot, source.path)));
    expect(missing).toEqual([]);
  });

  it('copies from stages it defines', () => {
    const stages = stageNames(instructions);
    const fromStages = instructions.flatMap((instruction) => (instruction.flags['from'] === undefined ? [] : [instruction.flags['from']]));
    expect(fromStages.length).toBeGreaterThan(0);
    expect(fromStages.filter((stage) => !stages.includes(stage))).toEqual([]);
  });

  it('copies every workspace package its collected packages depend on, or leaves it out by name', () => {
    const copied = new Set(contextSources(instructions).map((source) => source.path.replace(/\/$/, '')));
    const collect = instructions.find((instruction) => instruction.keyword === 'RUN' && instruction.args.includes('docker/collect-production.mjs'));
    expect(collect).toBeDefined();
    const args = collect?.args.slice(collect.args.indexOf('docker/collect-production.mjs') + 2) ?? [];
    const omitted = new Set(args.filter((_, index) => args[index - 1] === '--omit'));
    const wanted = args.filter((arg, index) => arg !== '--omit' && args[index - 1] !== '--omit' && WORKSPACE_FOLDERS.has(arg));
    const unmet: string[] = [];
    for (let index = 0; index < wanted.length; index++) {
      const folder = wanted[index] as string;
      const manifest = JSON.parse(readFileSync(join(repoRoot, folder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      for (const dependency of Object.keys(manifest.dependencies ?? {})) {
        const dependencyFolder = WORKSPACE_PACKAGES.get(dependency);
        if (dependencyFolder === undefined || omitted.has(dependency)) continue;
        if (!copied.has(dependencyFolder)) unmet.push(`${folder} needs ${dependency} (${dependencyFolder}): copy it or --omit it`);
        else if (!wanted.includes(dependencyFolder)) wanted.push(dependencyFolder);
      }
    }
    expect(unmet).toEqual([]);
  });

  it('ends in a small final stage that holds only what the build stage collected', () => {
    const finalStage = instructions.slice(instructions.map((instruction) => instruction.keyword).lastIndexOf('FROM'));
    expect(contextSources(finalStage)).toEqual([]);
    expect(finalStage.some((instruction) => instruction.keyword === 'ENTRYPOINT')).toBe(true);
  });
});

describe('the images the generated Kubernetes manifests name', () => {
  it('each have a Dockerfile in docker/images.json', () => {
    const k8sDir = join(repoRoot, 'apps/examples/deploy/k8s');
    const named = readdirSync(k8sDir).flatMap((file) =>
      [...readFileSync(join(k8sDir, file), 'utf8').matchAll(/^\s*image:\s*(\S+)\s*$/gm)].map((match) => match[1] as string),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((image) => !catalogue.images.some((entry) => entry.image === image))).toEqual([]);
  });
});
