import { posix } from 'node:path';

/** A path with forward slashes, as Nx and generated code write them. */
export function toPosix(path: string): string {
  return path.replace(/\\/g, '/');
}

/**
 * The import specifier that reaches `targetModule` (a workspace-relative path without
 * extension) from a file in `fromDir`: `../functions/greeter.function`.
 */
export function relativeSpecifier(fromDir: string, targetModule: string): string {
  const relative = posix.relative(fromDir, targetModule);
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** `a/b/c.ts` → `a/b/c`. */
export function withoutTsExtension(path: string): string {
  return path.replace(/\.(d\.)?[cm]?ts$/, '');
}
