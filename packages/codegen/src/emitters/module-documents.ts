import type { IoDocument } from './io-documents';
import { toYaml, type YamlValue } from './yaml-writer';

/** How the io documents of `keyflow.io.yaml` enter a module file. */
export interface IoSelection {
  readonly documents: readonly IoDocument[];
  /** Which kinds the module's reader understands; others become a `# skipped:` comment. */
  readonly keep: (kind: string) => boolean;
  /** The comment written instead of a skipped document. */
  readonly skippedNote?: (kind: string) => string;
}

/**
 * A multi-document module YAML: the header comment, the generated endpoint documents, then
 * the io documents copied verbatim, in order, separated by `---`.
 */
export function assembleModule(header: string, endpoints: readonly YamlValue[], io: IoSelection): string {
  const parts: string[] = [header];
  let documents = 0;
  const separate = (): void => {
    if (documents++ > 0) parts.push('---\n');
  };
  for (const endpoint of endpoints) {
    separate();
    parts.push(toYaml(endpoint));
  }
  for (const document of io.documents) {
    if (io.keep(document.kind)) {
      separate();
      parts.push(`# From keyflow.io.yaml, line ${document.line}.\n`, document.text);
    } else {
      parts.push(`# ${io.skippedNote?.(document.kind) ?? `skipped: ${document.kind}`}\n`);
    }
  }
  return parts.join('');
}

/** The namespaces of a project's functions, sorted and unique. */
export function namespacesOf(functions: readonly { readonly namespace: string }[]): string[] {
  return [...new Set(functions.map((fn) => fn.namespace))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
