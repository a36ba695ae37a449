import os from 'node:os';
import { readerFor, yaml } from '../test-support/module-test-helpers';

/** `line path: message` of each recorded problem. */
const reported = (problems: ReturnType<typeof readerFor>['problems']): string[] =>
  problems().map((p) => `${p.line} ${p.message}`);

describe('SpecReader', () => {
  describe('scalars', () => {
    const text = yaml(
      'name: greeter', // 1
      'count: 12', // 2
      'countText: "7"', // 3
      'ratio: 1.5', // 4
      'flag: true', // 5
      'flagText: "FALSE"', // 6
      'empty:', // 7
      'blank: ""', // 8
      'list: [a]', // 9
    );

    it('reads values of the right type, and numbers or booleans as strings', () => {
      const { spec, problems } = readerFor(text);
      expect(spec.string('name')).toBe('greeter');
      expect(spec.string('count')).toBe('12');
      expect(spec.int('count', { min: 1, max: 12 })).toBe(12);
      expect(spec.int('countText')).toBe(7);
      expect(spec.boolean('flag')).toBe(true);
      expect(spec.boolean('flagText')).toBe(false);
      expect(problems()).toEqual([]);
    });

    it('treats an empty value like an absent one for optional keys, and reports it for required ones', () => {
      const { spec, problems } = readerFor(text);
      expect(spec.optionalString('empty')).toBeUndefined();
      expect(spec.optionalString('absent')).toBeUndefined();
      expect(problems()).toEqual([]);
      expect(spec.string('empty')).toBe('');
      expect(spec.string('absent')).toBe('');
      expect(reported(problems)).toEqual(['1 spec.absent is missing, expected a non-empty string', '7 spec.empty is empty, expected a non-empty string']);
    });

    it('reports wrong values with what was written and what was expected, returning stand-ins (problems sorted by position)', () => {
      const { spec, problems } = readerFor(text);
      expect(spec.int('ratio')).toBe(0);
      expect(spec.int('count', { min: 20 })).toBe(20);
      expect(spec.optionalInt('count', { max: 10 })).toBeUndefined();
      expect(spec.boolean('name')).toBe(false);
      expect(spec.string('blank')).toBe('');
      expect(spec.string('list', { expected: 'a greeting' })).toBe('');
      expect(reported(problems)).toEqual([
        '1 spec.name is "greeter", expected true or false',
        '2 spec.count is 12, expected an integer of at least 20',
        '2 spec.count is 12, expected an integer of at most 10',
        '4 spec.ratio is 1.5, expected an integer',
        '8 spec.blank is an empty string, expected a non-empty string',
        '9 spec.list is a list, expected a greeting',
      ]);
    });

    it('reports the same problem once even when a key is read twice', () => {
      const { spec, problems } = readerFor(text);
      spec.int('ratio');
      spec.int('ratio');
      expect(problems()).toHaveLength(1);
    });
  });

  describe('durations, enums, typenames, paths', () => {
    it('reads StateFun durations in milliseconds, within bounds', () => {
      const { spec, problems } = readerFor(yaml('a: 1 min', 'b: 20s', 'c: 250', 'd: PT1M30S', 'e: 0s', 'f: 3 fortnights'));
      expect([spec.duration('a'), spec.duration('b'), spec.duration('c'), spec.duration('d')]).toEqual([60_000, 20_000, 250, 90_000]);
      expect(spec.duration('e', { min: 1 })).toBe(1);
      expect(spec.optionalDuration('f')).toBeUndefined();
      expect(spec.optionalDuration('g')).toBeUndefined();
      expect(problems().map((p) => [p.line, p.path])).toEqual([
        [5, 'spec.e'],
        [6, 'spec.f'],
      ]);
    });

    it('reads one of a set of strings and suggests the near miss', () => {
      const { spec, problems } = readerFor(yaml('mode: earliest', 'other: latset'));
      expect(spec.enumOf('mode', ['earliest', 'latest'])).toBe('earliest');
      expect(spec.enumOf('other', ['earliest', 'latest'])).toBe('earliest');
      expect(spec.optionalEnumOf('none', ['earliest', 'latest'])).toBeUndefined();
      expect(reported(problems)).toEqual(["2 spec.other is \"latset\", expected one of 'earliest', 'latest' (did you mean 'latest'?)"]);
    });

    it('reads typenames, keeping namespaces that contain slashes', () => {
      const { spec, problems } = readerFor(yaml('a: com.example/fns/greeter', 'b: greeter', 'c: "ns/ with space"'));
      expect(spec.typename('a')).toBe('com.example/fns/greeter');
      expect(spec.optionalTypename('b')).toBeUndefined();
      expect(spec.typename('c')).toBe('');
      expect(problems().map((p) => p.path)).toEqual(['spec.b', 'spec.c']);
    });

    it('resolves file paths next to the module file, expands ~/ and refuses classpath: resources', () => {
      const { spec, problems } = readerFor(yaml('a: certs/ca.pem', 'b: /etc/ca.pem', 'c: ~/ca.pem', 'd: classpath:ca.pem'), '/srv/app/module.yaml');
      expect(spec.filePath('a')).toBe('/srv/app/certs/ca.pem');
      expect(spec.filePath('b')).toBe('/etc/ca.pem');
      expect(spec.filePath('c')).toBe(`${os.homedir()}/ca.pem`);
      expect(spec.optionalFilePath('d')).toBeUndefined();
      expect(spec.resolvePath('../x.sock')).toBe('/srv/x.sock');
      expect(reported(problems)).toEqual(['4 spec.d is "classpath:ca.pem", expected a file path (Java classpath resources do not exist in Keyflow)']);
    });
  });

  describe('collections', () => {
    it('reads nested mappings and lists of mappings as readers with their own paths', () => {
      const { spec, problems } = readerFor(
        yaml(
          'position:', // 1
          '  type: date', // 2
          'topics:', // 3
          '  - topic: a', // 4
          '  - topic: 5', // 5
          '  - not-a-mapping', // 6
        ),
      );
      expect(spec.object('position').string('type')).toBe('date');
      const topics = spec.list('topics');
      expect(topics.map((t) => [t.path, t.string('topic')])).toEqual([
        ['spec.topics[0]', 'a'],
        ['spec.topics[1]', '5'],
      ]);
      expect(spec.list('topics')).toBe(topics);
      expect(reported(problems)).toEqual(['6 spec.topics[2] is "not-a-mapping", expected a mapping']);
    });

    it('gives a stand-in reader for a missing mapping, which reports nothing further', () => {
      const { spec, problems } = readerFor(yaml('other: 1'));
      const missing = spec.object('position');
      expect(missing.string('type')).toBe('');
      expect(spec.optionalObject('absent')).toBeUndefined();
      spec.ignore('other');
      spec.finish();
      expect(reported(problems)).toEqual(['1 spec.position is missing, expected a mapping of settings']);
    });

    it('reads string lists and typename lists, reporting each bad item at its own position', () => {
      const { spec, problems } = readerFor(yaml('words: [a, b]', 'targets: [ns/a, b, {x: 1}]', 'none: []'));
      expect(spec.stringList('words')).toEqual(['a', 'b']);
      expect(spec.typenameList('targets')).toEqual(['ns/a']);
      expect(spec.stringList('none')).toEqual([]);
      expect(spec.optionalTypenameList('none', { nonEmpty: true })).toBeUndefined();
      expect(problems().map((p) => `${p.line}:${p.column} ${p.path}`)).toEqual(['2:17 spec.targets[1]', '2:20 spec.targets[2]', '3:1 spec.none']);
    });

    it('reads free-form maps as a mapping or as StateFun’s list of single-entry mappings', () => {
      const { spec, problems } = readerFor(
        yaml('env: { A: 1, B: true, C: }', 'properties:', '  - bootstrap.servers: kafka:9092', '  - linger.ms: 5', 'bad: { D: [1] }'),
      );
      expect(spec.stringMap('env')).toEqual({ A: '1', B: 'true', C: '' });
      expect(spec.optionalStringMap('properties')).toEqual({ 'bootstrap.servers': 'kafka:9092', 'linger.ms': '5' });
      expect(spec.stringMap('bad')).toEqual({});
      expect(reported(problems)).toEqual(['5 spec.bad.D is a list, expected a string, number or boolean']);
    });

    it('tells the type of a value without reading it, and gives raw values through at', () => {
      const { spec } = readerFor(yaml('a: x', 'b: 1', 'c: false', 'd:', 'e: {k: [1, 2]}', 'f: []'));
      expect(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k) => spec.typeOf(k))).toEqual([
        'string',
        'number',
        'boolean',
        'null',
        'map',
        'list',
        'missing',
      ]);
      expect(spec.at('e')).toEqual({ k: [1, 2] });
      expect(spec.at('g')).toBeUndefined();
      expect(spec.has('d')).toBe(true);
    });

    it('follows YAML aliases', () => {
      const { spec } = readerFor(yaml('defaults: &t { call: 2m }', 'transport: *t'));
      expect(spec.object('transport').duration('call')).toBe(120_000);
    });
  });

  describe('finish', () => {
    it('reports keys no accessor read, at every level read, with a suggestion', () => {
      const { spec, problems } = readerFor(
        yaml(
          'id: a/b', // 1
          'adress: x', // 2
          'nested:', // 3
          '  known: 1', // 4
          '  unknwn: 2', // 5
          'items:', // 6
          '  - known: 1', // 7
          '    extra: 2', // 8
          'raw: { anything: goes }', // 9
          'props: { free: form }', // 10
          'skipped: 1', // 11
        ),
      );
      spec.typename('id');
      spec.optionalString('address');
      spec.object('nested').int('known');
      spec.list('items').forEach((item) => item.int('known'));
      spec.at('raw');
      spec.stringMap('props');
      spec.ignore('skipped');
      spec.finish();
      spec.finish();
      expect(reported(problems)).toEqual([
        "2 spec.adress is not a known key (did you mean 'address'?), expected one of: id, address, nested, items, raw, props, skipped",
        '5 spec.nested.unknwn is not a known key, expected one of: known',
        '8 spec.items[0].extra is not a known key, expected one of: known',
      ]);
    });
  });

  describe('error', () => {
    it('records a problem at a key, or at the mapping, and marks the key known', () => {
      const { spec, problems } = readerFor(yaml('position:', '  type: date', 'other: 1'));
      const position = spec.object('position');
      position.enumOf('type', ['date', 'earliest']);
      position.error('date', "a date for type 'date'");
      spec.error('other', 'nothing here', 'is not supported');
      spec.error(undefined, 'a valid spec', 'is wrong as a whole');
      spec.finish();
      expect(reported(problems)).toEqual([
        "1 spec.position.date is missing, expected a date for type 'date'",
        '1 spec is wrong as a whole, expected a valid spec',
        '3 spec.other is not supported, expected nothing here',
      ]);
      expect(spec.location('other')).toEqual({ file: '/work/module.yaml', line: 3, column: 8 });
    });
  });
});
