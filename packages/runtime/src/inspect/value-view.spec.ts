import { create, toBinary } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { Types, jsonType } from '@keyflow/sdk';
import { LIST_STATE_TYPENAME, MAP_STATE_TYPENAME, encodeListStateValue, encodeMapStateValue } from '@keyflow/sdk/protocol';
import { ValueViewer } from './value-view';

describe('ValueViewer', () => {
  const viewer = new ValueViewer([DurationSchema]);

  it('shows built-in types as their values', () => {
    expect(viewer.view(Types.int.typename, Types.int.serialize(-42))).toEqual({ typename: 'io.statefun.types/int', encoding: 'builtin', value: -42 });
    expect(viewer.view(Types.string.typename, Types.string.serialize('hé'))).toMatchObject({ encoding: 'builtin', value: 'hé' });
    expect(viewer.view(Types.bool.typename, Types.bool.serialize(true))).toMatchObject({ encoding: 'builtin', value: true });
  });

  it('shows JSON values as JSON', () => {
    const Cart = jsonType<{ lines: string[] }>('shop/Cart');
    expect(viewer.view(Cart.typename, Cart.serialize({ lines: ['tea'] }))).toEqual({ typename: 'shop/Cart', encoding: 'json', value: { lines: ['tea'] } });
  });

  it('decodes protobuf messages of the registered types, by their type.googleapis.com typename', () => {
    const bytes = toBinary(DurationSchema, create(DurationSchema, { seconds: 90n }));
    expect(viewer.view('type.googleapis.com/google.protobuf.Duration', bytes)).toEqual({
      typename: 'type.googleapis.com/google.protobuf.Duration',
      encoding: 'protobuf',
      value: '90s',
    });
  });

  it('shows lists and maps entry by entry, with each map entry\'s expiry', () => {
    const list = encodeListStateValue(Types.int.typename, [Types.int.serialize(1), Types.int.serialize(2)]);
    expect(viewer.view(LIST_STATE_TYPENAME, list)).toMatchObject({ encoding: 'list', elements: [{ value: 1 }, { value: 2 }] });
    const map = encodeMapStateValue(
      Types.string.typename,
      new Map([
        ['a', { value: Types.string.serialize('x'), expiresAtMillis: 0 }],
        ['b', { value: Types.string.serialize('y'), expiresAtMillis: 1_700_000_000_000 }],
      ]),
    );
    expect(viewer.view(MAP_STATE_TYPENAME, map)).toMatchObject({
      encoding: 'map',
      entries: [
        { key: 'a', value: { value: 'x' } },
        { key: 'b', value: { value: 'y' }, expiresAt: 1_700_000_000_000 },
      ],
    });
  });

  it('shows other bytes as base64, and says why when a known type does not decode', () => {
    expect(viewer.view('app/Blob', Uint8Array.of(0xff, 0x00, 0x7f))).toEqual({ typename: 'app/Blob', encoding: 'bytes', base64: '/wB/' });
    const broken = viewer.view('type.googleapis.com/google.protobuf.Duration', Uint8Array.of(0xff));
    expect(broken).toMatchObject({ encoding: 'bytes', base64: '/w==' });
    expect(broken).toHaveProperty('reason', expect.stringContaining('not decodable as type.googleapis.com/google.protobuf.Duration'));
  });
});
