import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One shell command of a README, as a user would type it. */
export interface ReadmeCommand {
  /** The README, relative to the repository root. */
  readonly readme: string;
  /** The line of the README where the command starts. */
  readonly line: number;
  /** The command without its trailing comment, continuation lines joined as written. */
  readonly command: string;
}

const SHELL_FENCE = /^```(sh|bash|shell)\s*$/;

/**
 * The commands in a README's ```sh / ```bash / ```shell blocks: comment lines dropped, a trailing
 * `  # comment` cut off, and lines ending in `\` kept together with the next as one command.
 */
export function readmeCommands(root: string, readme: string): ReadmeCommand[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const commands: ReadmeCommand[] = [];
  let inBlock = false;
  let pending: { line: number; text: string } | undefined;
  lines.forEach((raw, index) => {
    if (!inBlock) {
      inBlock = SHELL_FENCE.test(raw);
      return;
    }
    if (raw.startsWith('```')) {
      inBlock = false;
      return;
    }
    const text = raw.replace(/\s+#\s.*$/, '').trimEnd();
    if (pending === undefined && (text.trim() === '' || text.trimStart().startsWith('#'))) return;
    const joined = pending === undefined ? { line: index + 1, text } : { line: pending.line, text: `${pending.text}\n${text}` };
    if (text.endsWith('\\')) {
      pending = joined;
      return;
    }
    pending = undefined;
    commands.push({ readme, line: joined.line, command: joined.text.trim() });
  });
  return commands;
}
