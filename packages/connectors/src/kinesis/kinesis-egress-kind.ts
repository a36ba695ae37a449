import type { EgressKind, SpecReader, StreamingEgressSink } from '@keyflow/runtime/kinds';
import { ConnectorKinds } from '../connector-kinds';
import { KinesisEgress } from './kinesis-egress';
import { readAwsCredentials, readAwsRegion, type AwsCredentialsConfig, type AwsRegionConfig } from './aws-settings';

/** The validated spec of an `io.statefun.kinesis.v1/egress` document. */
export interface KinesisEgressConfig {
  /** The egress typename functions send `KinesisEgressRecord`s to. */
  readonly id: string;
  readonly awsRegion: AwsRegionConfig;
  readonly awsCredentials: AwsCredentialsConfig;
  /** Records accepted but not yet acknowledged before writes wait. Default 1000, as StateFun. */
  readonly maxOutstandingRecords: number;
  /** AWS client / Kinesis Producer Library properties (`RecordMaxBufferedTime`, `MaxConnections`, …). */
  readonly clientConfigProperties: Readonly<Record<string, string>>;
}

/**
 * `io.statefun.kinesis.v1/egress`, with StateFun's keys: `id`, `awsRegion`, `awsCredentials`,
 * `maxOutstandingRecords`, `clientConfigProperties`. Kinesis has no transactions: delivery is
 * at-least-once.
 */
export const kinesisEgressKind: EgressKind<KinesisEgressConfig, StreamingEgressSink> = {
  name: ConnectorKinds.KINESIS_EGRESS,
  role: 'egress',
  readSpec(spec: SpecReader): KinesisEgressConfig {
    return {
      id: spec.typename('id'),
      awsRegion: readAwsRegion(spec),
      awsCredentials: readAwsCredentials(spec),
      maxOutstandingRecords: spec.optionalInt('maxOutstandingRecords', { min: 1 }) ?? 1_000,
      clientConfigProperties: spec.optionalStringMap('clientConfigProperties') ?? {},
    };
  },
  create: (config, { logger }) => new KinesisEgress(config, { logger }),
};
