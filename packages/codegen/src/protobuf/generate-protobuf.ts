import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import type { GeneratedFile } from '../codegen/generated-file';
import { projectLayout } from '../codegen/project-layout';
import { CodegenError } from '../errors/codegen-error';
import { CodegenErrorCodes } from '../errors/codegen-error-codes';
import { typescriptHeader } from '../emitters/generated-header';
import { compareStrings } from '../text/compare-strings';
import { toPosix } from '../text/posix-paths';

/** The protoc-gen-es options codegen uses, the same as the sdk's own buf.gen.yaml. */
export const PROTOC_GEN_ES_OPTIONS = ['target=ts', 'import_extension=none'] as const;

/** What {@link generateProtobuf} needs. */
export interface ProtobufRequest {
  readonly workspaceRoot: string;
  readonly projectName: string;
  readonly projectRoot: string;
}

/**
 * Compiles the `.proto` files of `<project>/proto/` with buf and protoc-gen-es into message
 * classes for `<project>/src/generated/proto/`, returned in memory (each with the generated
 * header), so a check can compare them without touching the project. Returns no files when
 * the project has no `proto/` folder. A project's own `buf.yaml` is honoured (dependencies,
 * module layout); its `buf.gen.yaml` is not, so the output is always what the SDK expects.
 */
export async function generateProtobuf(request: ProtobufRequest): Promise<{ files: GeneratedFile[]; errors: CodegenError[] }> {
  const layout = projectLayout(request.projectRoot);
  const projectDir = join(request.workspaceRoot, request.projectRoot);
  if (!existsSync(join(request.workspaceRoot, layout.protoDir))) return { files: [], errors: [] };

  const out = mkdtempSync(join(tmpdir(), 'keyflow-codegen-proto-'));
  try {
    const template = JSON.stringify({
      version: 'v2',
      plugins: [{ local: protocGenEsPath(), out: 'gen', opt: [...PROTOC_GEN_ES_OPTIONS] }],
    });
    const input = existsSync(join(projectDir, 'buf.yaml')) ? '.' : 'proto';
    try {
      await run(bufPath(), ['generate', input, '--template', template, '--output', out], projectDir);
    } catch (error) {
      return { files: [], errors: [bufError(error, request.projectRoot)] };
    }
    const header = typescriptHeader(request.projectName, []);
    const genDir = join(out, 'gen');
    const files = listFiles(genDir).map((file) => {
      const path = toPosix(relative(genDir, file));
      const source = posix.join('proto', path.replace(/_pb\.ts$/, '.proto'));
      const content = readFileSync(file, 'utf8');
      return {
        path: posix.join(layout.protoOutputDir, path),
        content: header.replace(/\n\n$/, `\n// Protobuf-es classes of ${source}, compiled by buf with protoc-gen-es.\n\n`) + content,
      };
    });
    return { files: files.sort((a, b) => compareStrings(a.path, b.path)), errors: [] };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function bufPath(): string {
  return join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');
}

function protocGenEsPath(): string {
  return join(dirname(require.resolve('@bufbuild/protoc-gen-es/package.json')), 'bin', 'protoc-gen-es');
}

/** Runs a command; rejects with its stderr when it fails. */
function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new CommandError(error, String(stderr)));
      else resolve();
    });
  });
}

/** A failed command, with what it wrote to stderr. */
class CommandError extends Error {
  constructor(
    cause: Error,
    readonly stderr: string,
  ) {
    super(cause.message, { cause });
  }
}

/** buf's first `file.proto:line:column` becomes the error's location (relative to the workspace). */
function bufError(error: unknown, projectRoot: string): CodegenError {
  const stderr = error instanceof CommandError ? error.stderr.trim() : '';
  const detail = stderr.length > 0 ? stderr : error instanceof Error ? error.message : String(error);
  const match = /^(?:.*?\s)?([^\s:]+\.proto):(\d+):(\d+):\s*(.*)$/m.exec(stderr);
  const location = match
    ? { file: posix.join(projectRoot, match[1]?.startsWith('proto/') ? '' : 'proto', match[1] ?? ''), line: Number(match[2]), column: Number(match[3]) }
    : undefined;
  return new CodegenError(
    CodegenErrorCodes.PROTOBUF_FAILED,
    location,
    `buf could not compile the .proto files of ${projectRoot}: ${detail}`,
    error,
  );
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}
