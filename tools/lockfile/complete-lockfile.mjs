#!/usr/bin/env node
// Keeps package-lock.json usable by `npm ci` on this project's machines.
//
// The registry these machines reach serves the packuments of other platforms' native binaries
// (@swc/core-darwin-arm64, @nx/nx-win32-x64-msvc, …) without their versions. `npm install`
// then leaves those optional packages out of the lockfile, and `npm ci` rejects the lockfile
// as out of sync ("Missing: <name>@ from lock file"). This adds an entry for every optional
// dependency the lockfile lacks, with the os/cpu its name declares, so `npm ci` accepts the
// lockfile and skips the package on platforms it is not for. Run by the root `postinstall`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OS_TOKENS = [
  ['darwin', 'darwin'], ['linux', 'linux'], ['win32', 'win32'], ['windows', 'win32'], ['freebsd', 'freebsd'],
  ['openbsd', 'openbsd'], ['netbsd', 'netbsd'], ['android', 'android'], ['sunos', 'sunos'], ['aix', 'aix'],
  ['openharmony', 'openharmony'],
];
const CPU_TOKENS = [
  ['arm64', 'arm64'], ['aarch64', 'arm64'], ['x64', 'x64'], ['x86_64', 'x64'], ['ia32', 'ia32'],
  ['armv7', 'arm'], ['gnueabihf', 'arm'], ['ppc64', 'ppc64'], ['s390x', 's390x'], ['riscv64', 'riscv64'],
  ['loong64', 'loong64'], ['mips64el', 'mips64el'],
];

function platformOf(name) {
  const base = name.split('/').pop() ?? name;
  const parts = base.split(/[-_.]/);
  const has = (token) => base.includes(token) && (token.length > 3 || parts.includes(token));
  const os = OS_TOKENS.find(([token]) => has(token))?.[1];
  const cpu = CPU_TOKENS.find(([token]) => has(token))?.[1];
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}) };
}

const lockPath = join(process.argv[2] ?? process.cwd(), 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages ?? {};
let added = 0;
for (const [where, entry] of Object.entries({ ...packages })) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    // Where Node would look for it from `where`: nested first, then each ancestor, then the root.
    const nested = `${where === '' ? '' : `${where}/`}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    const version = String(range).replace(/^[\^~=v]+/, '');
    if (!/^\d+\.\d+\.\d+/.test(version)) continue;
    const platform = platformOf(name);
    if (!platform.os && !platform.cpu) continue;
    packages[hoisted] = { version, dev: entry.dev === true ? true : undefined, optional: true, ...platform };
    if (packages[hoisted].dev === undefined) delete packages[hoisted].dev;
    added++;
  }
}
if (added > 0) {
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`complete-lockfile: ${added} optional platform package entr${added === 1 ? 'y' : 'ies'} added`);
