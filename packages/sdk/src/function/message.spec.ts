import { Message, Types } from '@keyflow/sdk';

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
const greeting = { typename: Types.string.typename, hasValue: true, value: Types.string.serialize('hi') };

describe('Message headers', () => {
  it('are an empty list for a message without headers, one shared frozen list for all of them', () => {
    const first = new Message(greeting);
    const second = new Message(greeting, undefined);
    expect(first.headers).toEqual([]);
    expect(first.headers).toBe(second.headers);
    expect(Object.isFrozen(first.headers)).toBe(true);
    expect(first.header('trace-id')).toBeUndefined();
  });

  it('keep every header in order, repeated keys and binary values included', () => {
    const headers = [
      { key: 'tag', value: utf8('a') },
      { key: 'bin', value: Uint8Array.of(0xff, 0x00) },
      { key: 'tag', value: utf8('b') },
    ];
    const message = new Message(greeting, headers);
    expect(message.headers).toEqual(headers);
    expect(message.headers.filter((header) => header.key === 'tag').map((header) => Buffer.from(header.value ?? new Uint8Array(0)).toString())).toEqual(['a', 'b']);
  });

  it("header(key) reads the last value of a key as UTF-8 text, as Kafka's Headers.lastHeader does", () => {
    const message = new Message(greeting, [
      { key: 'tag', value: utf8('first') },
      { key: 'Tag', value: utf8('other case') },
      { key: 'tag', value: utf8('zürich ✓') },
      { key: 'bom', value: utf8('\uFEFFx') },
      { key: 'broken', value: Uint8Array.of(0x61, 0xff) },
      { key: 'empty', value: new Uint8Array(0) },
      { key: 'null', value: null },
    ]);
    expect(message.header('tag')).toBe('zürich ✓');
    expect(message.header('Tag')).toBe('other case');
    expect(message.header('bom')).toBe('\uFEFFx');
    expect(message.header('broken')).toBe('a\uFFFD');
    expect(message.header('empty')).toBe('');
    expect(message.header('null')).toBeNull();
    expect(message.header('missing')).toBeUndefined();
  });

  it('leave the value API as it is', () => {
    const message = new Message(greeting, [{ key: 'k', value: utf8('v') }]);
    expect(message.asString()).toBe('hi');
    expect(message.typename).toBe(Types.string.typename);
  });
});
