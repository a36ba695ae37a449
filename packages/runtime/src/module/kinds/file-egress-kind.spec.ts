import { parseModule } from '../module-loader';
import { moduleErrorOf, problemLines, yaml } from '../../test-support/module-test-helpers';

const egress = (...spec: string[]): string => yaml('kind: io.keyflow.file.v1/egress', 'spec:', '  id: example/out', ...spec);

describe('io.keyflow.file.v1/egress', () => {
  it.each([
    ['deliverySemantic: none', 'none'],
    ['deliverySemantic: { type: at-least-once }', 'at-least-once'],
    ['deliverySemantic: { type: exactly-once }', 'exactly-once'],
  ])('reads %s', (line, semantic) => {
    expect(parseModule(egress('  path: out.jsonl', `  ${line}`), '/m/module.yaml').fileEgresses[0]?.deliverySemantic).toBe(semantic);
  });

  it('refuses a missing path, a semantic without a type, and unknown keys in the semantic', () => {
    const text = egress(
      '  deliverySemantic:', // 4
      '    transactionTimeout: 15min', // 5
    );
    expect(problemLines(moduleErrorOf(() => parseModule(text, '/m/module.yaml')))).toEqual([
      'module.yaml:2 spec.path',
      'module.yaml:4 spec.deliverySemantic.type',
      'module.yaml:5 spec.deliverySemantic.transactionTimeout',
    ]);
  });
});
