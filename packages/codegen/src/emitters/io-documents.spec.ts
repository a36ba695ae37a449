import { CodegenErrorCodes } from '../errors/codegen-error-codes';
import { readIoDocuments } from './io-documents';

describe('readIoDocuments', () => {
  it('splits keyflow.io.yaml into its documents, verbatim, with their kinds and lines', () => {
    const text = [
      '# Ingresses and egresses.',
      'kind: io.keyflow.http.v1/ingress',
      'spec:',
      '  id: example/http   # the ingress id',
      '---',
      '',
      '# Kafka out.',
      "kind: 'io.statefun.kafka.v1/egress' # quoted",
      'spec: { id: example/out }',
      '--- # a note',
      'kind: io.keyflow.file.v1/egress',
      '...',
      '',
    ].join('\r\n');
    const { documents, errors } = readIoDocuments('apps/demo/keyflow.io.yaml', text);
    expect(errors).toEqual([]);
    expect(documents).toEqual([
      {
        kind: 'io.keyflow.http.v1/ingress',
        text: '# Ingresses and egresses.\nkind: io.keyflow.http.v1/ingress\nspec:\n  id: example/http   # the ingress id\n',
        line: 2,
      },
      { kind: 'io.statefun.kafka.v1/egress', text: "# Kafka out.\nkind: 'io.statefun.kafka.v1/egress' # quoted\nspec: { id: example/out }\n", line: 8 },
      { kind: 'io.keyflow.file.v1/egress', text: '# a note\nkind: io.keyflow.file.v1/egress\n', line: 11 },
    ]);
  });

  it('skips empty and comment-only documents', () => {
    const { documents } = readIoDocuments('k.yaml', '---\n# nothing here\n---\n\n---\nkind: a.b/c\n');
    expect(documents.map((document) => document.kind)).toEqual(['a.b/c']);
  });

  it('reports a document without a kind, and function endpoints, with their location', () => {
    const { documents, errors } = readIoDocuments(
      'apps/demo/keyflow.io.yaml',
      'kind: io.statefun.kafka.v1/ingress\n---\nspec:\n  kind: nested-is-not-top-level\n---\nkind: io.statefun.endpoints.v2/http\n',
    );
    expect(documents.map((document) => document.kind)).toEqual(['io.statefun.kafka.v1/ingress']);
    expect(errors.map((error) => [error.code, error.location])).toEqual([
      [CodegenErrorCodes.IO_DOCUMENT_INVALID, { file: 'apps/demo/keyflow.io.yaml', line: 3, column: 1 }],
      [CodegenErrorCodes.IO_DOCUMENT_INVALID, { file: 'apps/demo/keyflow.io.yaml', line: 6, column: 1 }],
    ]);
    expect(errors[0]?.message).toMatch(/^apps\/demo\/keyflow\.io\.yaml:3:1 \[KF_CODEGEN_IO_DOCUMENT_INVALID\] /);
  });
});
