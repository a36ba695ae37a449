// Copies what a Node.js service needs at run time into a folder for a container image: the
// given workspace packages (package.json and dist/ only) and every production dependency they
// reach, laid out as node_modules so Node resolves them exactly as in the workspace, and a
// package.json that depends on the given packages (the `keyflow` CLI finds kind packages such
// as @keyflow/connectors through it).
//
// Usage: node docker/collect-production.mjs <out-dir> [--omit <name>]... <package>...
// <package> is a workspace package folder (copied as node_modules/<name>) or the name of an
// installed package (copied with its dependencies). --omit leaves out a declared dependency
// the service never loads (e.g. the runtime, which the example function service only declares).
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

const [outArg, ...rest] = process.argv.slice(2);
const omitted = new Set();
const roots = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--omit') omitted.add(rest[++i]);
  else roots.push(rest[i]);
}
if (outArg === undefined || roots.length === 0) {
  console.error('Usage: node docker/collect-production.mjs <out-dir> [--omit <name>]... <package>...');
  process.exit(2);
}
const repo = process.cwd();
const out = resolve(outArg);
const nodeModules = join(repo, 'node_modules');

/** Files no service reads at run time: sources of native modules, maps, docs, other platforms' binaries. */
function wanted(source) {
  const name = basename(source);
  if (name.endsWith('.map') || name.endsWith('.d.ts') || name.endsWith('.md') || name.endsWith('.ts.map')) return false;
  const parts = source.split(sep);
  const prebuilds = parts.lastIndexOf('prebuilds');
  if (prebuilds >= 0 && parts.length > prebuilds + 1 && parts[prebuilds + 1] !== 'linux-x64') return false;
  // rocksdb ships its C++ sources (deps/) next to the prebuilt binaries.
  const rocksdb = parts.lastIndexOf('rocksdb');
  if (rocksdb >= 0 && (parts[rocksdb + 1] === 'deps' || parts[rocksdb + 1] === 'binding.cc')) return false;
  return true;
}

/** Workspace packages (symlinked from node_modules) map to node_modules/<name> in the image. */
const workspaces = new Map();
function outputPathOf(real, name) {
  for (const [dir, target] of workspaces) {
    if (real === dir || real.startsWith(dir + sep)) return join(target, relative(dir, real));
  }
  if (real.startsWith(nodeModules + sep)) return join(out, 'node_modules', relative(nodeModules, real));
  if (workspaceName(real) !== undefined) {
    const target = join(out, 'node_modules', name);
    workspaces.set(real, target);
    return target;
  }
  throw new Error(`KF_DOCKER_PACKAGE_OUTSIDE: ${real} (${name}) is neither under node_modules nor a workspace package.`);
}

function workspaceName(dir) {
  const file = join(dir, 'package.json');
  if (!existsSync(file) || dir.includes(`${sep}node_modules${sep}`)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')).name;
}

/** Finds `name` the way Node does: in node_modules folders from `from` upwards. */
function locate(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === dirname(dir) || dir === repo) {
      const top = join(nodeModules, name);
      return existsSync(join(top, 'package.json')) ? realpathSync(top) : undefined;
    }
  }
}

const done = new Set();
function collect(real, name) {
  if (done.has(real)) return;
  done.add(real);
  const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8'));
  const target = outputPathOf(real, name);
  if (workspaces.has(real)) {
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'package.json'), JSON.stringify(manifest, null, 2));
    const dist = join(real, 'dist');
    if (!existsSync(dist)) throw new Error(`KF_DOCKER_NOT_BUILT: ${dist} is missing; build ${name} before collecting it.`);
    cpSync(dist, join(target, 'dist'), { recursive: true, filter: wanted });
  } else {
    cpSync(real, target, {
      recursive: true,
      filter: (source) => wanted(source) && !relative(real, source).split(sep).includes('node_modules'),
    });
  }
  const dependencies = { ...manifest.dependencies, ...manifest.optionalDependencies };
  for (const dependency of Object.keys(dependencies)) {
    if (omitted.has(dependency)) continue;
    const found = locate(dependency, real);
    if (found !== undefined) collect(found, dependency);
    else if (!(dependency in (manifest.optionalDependencies ?? {}))) {
      throw new Error(`KF_DOCKER_DEPENDENCY_MISSING: ${name} needs ${dependency}, which is not installed; run npm ci.`);
    }
  }
}

for (const root of roots) {
  const asDir = resolve(repo, root);
  const name = workspaceName(asDir);
  if (name !== undefined) collect(realpathSync(asDir), name);
  else {
    const found = locate(root, repo);
    if (found === undefined) throw new Error(`KF_DOCKER_DEPENDENCY_MISSING: ${root} is not installed; run npm ci.`);
    collect(found, root);
  }
}
const dependencies = {};
for (const [real, target] of workspaces) {
  const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8'));
  dependencies[manifest.name] = manifest.version;
  void target;
}
for (const root of roots) {
  const found = workspaceName(resolve(repo, root)) === undefined ? locate(root, repo) : undefined;
  if (found !== undefined) dependencies[root] = JSON.parse(readFileSync(join(found, 'package.json'), 'utf8')).version;
}
writeFileSync(join(out, 'package.json'), JSON.stringify({ name: 'keyflow-image', private: true, dependencies }, null, 2) + '\n');
console.log(`collected ${done.size} packages into ${out}`);
