import { decodeToFunction, encodeToFunction } from '@keyflow/sdk/protocol';
import { address } from '@keyflow/sdk/test-support';
import { envelope } from '../test-support/envelopes';
import { prepareBatch } from './batch-request';
import type { Envelope } from '../message/envelope';

const TARGET = address('test/fn', 'a');
const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

describe('prepareBatch', () => {
  const fromKafka: Envelope = {
    ...envelope(TARGET, 'from kafka'),
    headers: [
      { key: 'trace-id', value: utf8('t-1') },
      { key: 'tag', value: Uint8Array.of(0xff) },
      { key: 'tag', value: utf8('b') },
    ],
  };
  const fromFunction = envelope(TARGET, 'from a function', address('test/other', 'b'));

  it("puts each envelope's Kafka headers into its invocation, and none into one without", () => {
    const { request } = prepareBatch(TARGET, [], null, [fromKafka, fromFunction], 0);
    expect(request.invocations.map((invocation) => invocation.headers)).toEqual([fromKafka.headers, undefined]);
  });

  it('sends the headers over the wire: the encoded request reads back with them (the remote path)', () => {
    const { request } = prepareBatch(TARGET, [], null, [fromKafka, fromFunction], 0);
    const decoded = decodeToFunction(encodeToFunction(request));
    expect(decoded?.invocations.map((invocation) => invocation.headers)).toEqual([fromKafka.headers, undefined]);
    expect(decoded?.invocations.map((invocation) => invocation.caller)).toEqual([undefined, fromFunction.caller]);
  });
});
