import { KeyflowError } from '@keyflow/sdk';
import type { SourceLocation } from '../scanner/scanned-function';
import { compareStrings } from '../text/compare-strings';
import type { CodegenErrorCode } from './codegen-error-codes';

/**
 * A {@link KeyflowError} about a project's sources. When it has a location, its message starts
 * with `file:line:column`, the way compilers report, so terminals and editors link to it:
 * `apps/examples/src/functions/a.function.ts:7:1 [KF_CODEGEN_NOT_EXPORTED] Class A …`.
 */
export class CodegenError extends KeyflowError {
  /** Where the problem is, when it is in a file. */
  readonly location: SourceLocation | undefined;

  constructor(code: CodegenErrorCode, location: SourceLocation | undefined, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
    this.location = location;
    if (location) this.message = `${formatLocation(location)} [${code}] ${message}`;
  }
}

/** `file:line:column`. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** Orders errors by file, line and column; errors without a location come last. */
export function compareErrors(a: CodegenError, b: CodegenError): number {
  const la = a.location;
  const lb = b.location;
  if (!la || !lb) return la ? -1 : lb ? 1 : compareStrings(a.message, b.message);
  return compareStrings(la.file, lb.file) || la.line - lb.line || la.column - lb.column || compareStrings(a.message, b.message);
}
