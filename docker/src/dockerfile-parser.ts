/** One instruction of a Dockerfile, with the line it starts on. */
export interface DockerInstruction {
  readonly keyword: string;
  /** The words after the keyword: the JSON array of the exec form, else split on blanks. */
  readonly args: readonly string[];
  /** `--name=value` flags (e.g. `--from`, `--chown`), without the dashes. */
  readonly flags: Readonly<Record<string, string>>;
  readonly line: number;
}

/** A source path of a COPY/ADD that comes from the build context, not from another stage. */
export interface ContextSource {
  readonly path: string;
  readonly line: number;
}

/**
 * Reads a Dockerfile into instructions: joins `\` continuations, drops comments and blank
 * lines, and separates `--flag=value` options from the arguments.
 */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = (lines[i] ?? '').trim();
    if (logical === '' || logical.startsWith('#')) continue;
    while (logical.endsWith('\\') && i + 1 < lines.length) {
      logical = `${logical.slice(0, -1).trimEnd()} ${(lines[++i] ?? '').trim()}`;
    }
    const match = /^(\S+)\s*(.*)$/.exec(logical);
    if (!match) continue;
    let rest = match[2] ?? '';
    const flags: Record<string, string> = {};
    for (let flag = /^--([\w-]+)=(\S+)\s*/.exec(rest); flag; flag = /^--([\w-]+)=(\S+)\s*/.exec(rest)) {
      flags[flag[1] as string] = flag[2] as string;
      rest = rest.slice(flag[0].length);
    }
    const args = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/).filter((word) => word !== '');
    instructions.push({ keyword: (match[1] ?? '').toUpperCase(), args, flags, line: start + 1 });
  }
  return instructions;
}

/** The stage names (`FROM image AS name`) a Dockerfile defines. */
export function stageNames(instructions: readonly DockerInstruction[]): string[] {
  return instructions
    .filter((instruction) => instruction.keyword === 'FROM' && instruction.args[1]?.toUpperCase() === 'AS')
    .map((instruction) => instruction.args[2] as string);
}

/** Every source of COPY and ADD read from the build context (all arguments but the last). */
export function contextSources(instructions: readonly DockerInstruction[]): ContextSource[] {
  return instructions
    .filter((instruction) => (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') && instruction.flags['from'] === undefined)
    .flatMap((instruction) => instruction.args.slice(0, -1).map((path) => ({ path, line: instruction.line })));
}
