import type { PbTypedValue } from '@keyflow/sdk/protocol';
import { ByteReader, ByteWriter } from './binary-codec';
import { address } from '@keyflow/sdk/test-support';
import { decodeEnvelopes, encodeEnvelopes, readEnvelope, writeEnvelope, type Envelope } from './envelope';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const ARGUMENT: PbTypedValue = { typename: 't/x', hasValue: true, value: Uint8Array.of(1) };

/** Two envelopes, one with a caller and one without, and their bytes as written before headers existed. */
const WITHOUT_HEADERS: Envelope[] = [
  { target: address('ns/fn', 'a'), argument: ARGUMENT, caller: address('ns/fn', 'b') },
  { target: address('ns/fn', 'c'), argument: { typename: 't/x', hasValue: false, value: new Uint8Array(0) }, caller: undefined },
];
const PRE_HEADERS_HEX = [
  '02', // two envelopes
  '02 6e73 02 666e 01 61', // target ns/fn/a
  '01', // flags: a caller follows (the only value besides 0 before headers)
  '02 6e73 02 666e 01 62', // caller ns/fn/b
  '03 742f78 01 01 01', // argument: typename t/x, has value, 1 byte 01
  '02 6e73 02 666e 01 63', // target ns/fn/c
  '00', // flags: nothing follows
  '03 742f78 00 00', // argument: typename t/x, no value, 0 bytes
].join(' ');

const WITH_HEADERS: Envelope = {
  target: address('ns/fn', 'a'),
  argument: ARGUMENT,
  caller: undefined,
  headers: [
    { key: 'tag', value: Uint8Array.of(0x61) },
    { key: 'bin', value: Uint8Array.of(0xff, 0x00) },
    { key: 'tag', value: Uint8Array.of(0x62) },
    { key: 'gone', value: null },
    { key: 'blank', value: new Uint8Array(0) },
  ],
};

// WITH_HEADERS's first three headers as the version before null header values wrote them (bit 1).
const HEADERS_WITHOUT_NULLS_HEX = ['02 6e73 02 666e 01 61', '02', '03', '03 746167 01 61', '03 62696e 02 ff00', '03 746167 01 62', '03 742f78 01 01 01'].join(' ');

describe('envelope encoding', () => {
  it('reads bytes written before headers existed', () => {
    expect(decodeEnvelopes(fromHex(PRE_HEADERS_HEX))).toEqual(WITHOUT_HEADERS);
  });

  it('writes envelopes without headers exactly as before headers existed', () => {
    expect(hex(encodeEnvelopes(WITHOUT_HEADERS))).toBe(hex(fromHex(PRE_HEADERS_HEX)));
    const emptyHeaders = WITHOUT_HEADERS.map((envelope) => ({ ...envelope, headers: [] }));
    expect(hex(encodeEnvelopes(emptyHeaders))).toBe(hex(fromHex(PRE_HEADERS_HEX)));
  });

  it('writes headers after the caller, flagged by bit 2, in order with repeated keys, a null value as a 0 presence byte', () => {
    const writer = new ByteWriter();
    writeEnvelope(writer, WITH_HEADERS);
    expect(hex(writer.finish())).toBe(
      hex(
        fromHex(
          ['02 6e73 02 666e 01 61', '04', '05', '03 746167 01 01 61', '03 62696e 01 02 ff00', '03 746167 01 01 62', '04 676f6e65 00', '05 626c616e6b 01 00', '03 742f78 01 01 01'].join(' '),
        ),
      ),
    );
  });

  it('reads headers as the version before null header values wrote them (bit 1, no presence byte)', () => {
    expect(readEnvelope(new ByteReader(fromHex(HEADERS_WITHOUT_NULLS_HEX)))).toEqual({ ...WITH_HEADERS, headers: WITH_HEADERS.headers?.slice(0, 3) });
  });

  it('round-trips headers, with and without a caller, and leaves them out when there are none', () => {
    const withCaller: Envelope = { ...WITH_HEADERS, caller: address('other/fn', 'z') };
    const decoded = decodeEnvelopes(encodeEnvelopes([WITH_HEADERS, withCaller, ...WITHOUT_HEADERS]));
    expect(decoded).toEqual([WITH_HEADERS, withCaller, ...WITHOUT_HEADERS]);
    expect(decoded.map((envelope) => 'headers' in envelope)).toEqual([true, true, false, false]);
  });

  it('rejects flag bits it does not know (bytes of a newer version) rather than misread them', () => {
    const bytes = fromHex('02 6e73 02 666e 01 61  08  03 742f78 01 01 01');
    expect(() => readEnvelope(new ByteReader(bytes))).toThrow(RangeError);
  });
});
