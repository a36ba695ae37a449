import { isKeyflowError } from '@keyflow/sdk';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { decodeKafkaPosition, encodeKafkaPosition, type PartitionOffsets } from './kafka-position';

describe('Kafka ingress positions', () => {
  it('round-trips next offsets per topic and partition', () => {
    const offsets: PartitionOffsets = new Map([
      ['orders', new Map([[0, 42], [3, 0]])],
      ['a/b.c', new Map([[1, 9_007_199_254_740_000]])],
    ]);
    expect(decodeKafkaPosition(encodeKafkaPosition(offsets), 'x/in')).toEqual(offsets);
  });

  it('is readable JSON', () => {
    const bytes = encodeKafkaPosition(new Map([['t', new Map([[0, 5]])]]));
    expect(JSON.parse(Buffer.from(bytes).toString('utf8'))).toEqual({ format: 'keyflow.kafka.v1', offsets: { t: { '0': 5 } } });
  });

  it.each([Buffer.from('not json'), Buffer.from('{"format":"other"}'), new Uint8Array(0)])('rejects a foreign position', (bytes) => {
    let error: unknown;
    try {
      decodeKafkaPosition(bytes, 'x/in');
    } catch (caught) {
      error = caught;
    }
    expect(isKeyflowError(error, ConnectorErrorCodes.BAD_POSITION)).toBe(true);
  });
});
