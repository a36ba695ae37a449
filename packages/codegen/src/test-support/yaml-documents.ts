import { parseAllDocuments } from 'yaml';

/** Parses a multi-document YAML text with a real YAML parser; throws on any syntax error. */
export function parseYamlDocuments(text: string): unknown[] {
  const documents = [...parseAllDocuments(text)];
  for (const document of documents) {
    const [error] = document.errors;
    if (error) throw error;
  }
  return documents.map((document) => document.toJSON() as unknown);
}
