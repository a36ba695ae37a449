import { isKeyflowError } from '@keyflow/sdk';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { decodeKinesisPosition, encodeKinesisPosition, type ShardPositions } from './kinesis-position';

describe('Kinesis ingress positions', () => {
  it('round-trips sequence numbers and the other shard positions', () => {
    const positions: ShardPositions = new Map([
      [
        'orders',
        new Map([
          ['shardId-000000000000', { after: '49680448725492174779697109038776233340363413522439208962' }],
          ['shardId-000000000001', { at: 1_700_000_000_000 }],
          ['shardId-000000000002', { earliest: true as const }],
          ['shardId-000000000003', { finished: true as const }],
        ]),
      ],
    ]);
    expect(decodeKinesisPosition(encodeKinesisPosition(positions), 'x/in')).toEqual(positions);
  });

  it('rejects a Kafka position', () => {
    let error: unknown;
    try {
      decodeKinesisPosition(Buffer.from('{"format":"keyflow.kafka.v1","offsets":{}}'), 'x/in');
    } catch (caught) {
      error = caught;
    }
    expect(isKeyflowError(error, ConnectorErrorCodes.BAD_POSITION)).toBe(true);
  });
});
