/** The marker every generated file carries in its first line. */
export const GENERATED_MARKER = '@generated — do not edit';

/** The command that regenerates a project's files. */
export function regenerateCommand(projectName: string): string {
  return `npx nx run ${projectName}:codegen`;
}

/** The header line: the marker and the command. */
function headerLine(projectName: string): string {
  return `${GENERATED_MARKER}. Regenerate with: ${regenerateCommand(projectName)}`;
}

/** A header of `//` comments for a generated TypeScript file, followed by a blank line. */
export function typescriptHeader(projectName: string, description: readonly string[]): string {
  return `${[headerLine(projectName), ...description].map((line) => `// ${line}`.trimEnd()).join('\n')}\n\n`;
}

/** A header of `#` comments for a generated YAML file (no blank line: the first document follows). */
export function yamlHeader(projectName: string, description: readonly string[]): string {
  return `${[headerLine(projectName), ...description].map((line) => `# ${line}`.trimEnd()).join('\n')}\n`;
}

/** True when `text` starts with a generated header, so codegen may overwrite or delete the file. */
export function isGeneratedText(text: string): boolean {
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  return firstLine.includes(GENERATED_MARKER);
}
