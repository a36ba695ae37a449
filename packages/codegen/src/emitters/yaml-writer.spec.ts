import { parseYamlDocuments } from '../test-support/yaml-documents';
import { toYaml, yamlScalar, type YamlValue } from './yaml-writer';

describe('toYaml', () => {
  it('writes block mappings and sequences with two-space indentation', () => {
    expect(
      toYaml({
        kind: 'io.statefun.endpoints.v2/http',
        spec: { functions: 'example/*', list: [{ a: 1, b: [true] }, 'x'], empty: {}, none: [], skipped: undefined },
      }),
    ).toBe(
      [
        'kind: io.statefun.endpoints.v2/http',
        'spec:',
        '  functions: example/*',
        '  list:',
        '    - a: 1',
        '      b:',
        '        - true',
        '    - x',
        '  empty: {}',
        '  none: []',
        '',
      ].join('\n'),
    );
  });

  it.each<[string, string]>([
    ['plain', 'plain'],
    ['http://examples-functions:8000/statefun', 'http://examples-functions:8000/statefun'],
    ['app.kubernetes.io/name', 'app.kubernetes.io/name'],
    ['2m', '2m'],
    ['10Gi', '10Gi'],
    ['8000', "'8000'"],
    ['1.5', "'1.5'"],
    ['1e3', "'1e3'"],
    ['0x1F', "'0x1F'"],
    ['true', "'true'"],
    ['No', "'No'"],
    ['null', "'null'"],
    ['~', "'~'"],
    ['', "''"],
    ['*alias', "'*alias'"],
    ['a: b', "'a: b'"],
    ['ends:', "'ends:'"],
    ['# comment', "'# comment'"],
    ["it's", "'it''s'"],
    ['tab\there', '"tab\\there"'],
    ['2001-12-14', "'2001-12-14'"],
  ])('writes the string %j as %s', (text, expected) => {
    expect(yamlScalar(text)).toBe(expected);
  });

  it('writes multi-line strings as literal blocks that read back exactly', () => {
    const values: Record<string, string> = {
      clip: 'kind: x\n---\nspec: {}\n',
      strip: 'no newline\nat end',
      keep: 'two newlines\n\n',
      indented: '  starts with spaces\nnext\n',
      blank: 'a\n\nb\n',
    };
    const yaml = toYaml({ data: values });
    expect(yaml).toContain('  clip: |\n    kind: x\n    ---\n    spec: {}\n');
    expect(parseYamlDocuments(yaml)).toEqual([{ data: values }]);
  });

  it('round-trips every kind of value through a real YAML parser', () => {
    const value: YamlValue = {
      strings: ['8000', 'yes', 'a: b', "it's", '-dash', '@at', 'x,y', '[z]', 'ümlaut', 'sp ace'],
      numbers: [0, -1, 2.5, 65535],
      booleans: [true, false],
      nothing: null,
      nested: [[1, 2], { 'key with space': 'v', 'app.kubernetes.io/name': 'n' }],
    };
    expect(parseYamlDocuments(toYaml(value))).toEqual([value]);
  });
});
