import type { IngressKind, SpecReader } from '@keyflow/runtime/kinds';
import { ConnectorKinds } from '../connector-kinds';
import { KinesisIngress } from './kinesis-ingress';
import type { IngressRouteConfig } from '../common/ingress-route';
import { readRoutingFailurePolicy, type RoutingFailurePolicy } from '../common/routing-failure-policy';
import { STARTUP_DATE_FORMAT, parseStartupDate } from '../common/startup-date';
import { readAwsCredentials, readAwsRegion, type AwsCredentialsConfig, type AwsRegionConfig } from './aws-settings';

/** Where a Kinesis ingress starts reading when no checkpoint says where to resume. */
export type KinesisStartupPosition =
  | { readonly type: 'latest' }
  | { readonly type: 'earliest' }
  | { readonly type: 'date'; readonly epochMillis: number };

/** One entry of `streams`: a stream, the type of its records and the functions it feeds. */
export interface KinesisStreamConfig extends IngressRouteConfig {
  readonly stream: string;
}

/** The validated spec of an `io.statefun.kinesis.v1/ingress` document. */
export interface KinesisIngressConfig {
  readonly id: string;
  readonly awsRegion: AwsRegionConfig;
  readonly awsCredentials: AwsCredentialsConfig;
  readonly startupPosition: KinesisStartupPosition;
  readonly streams: readonly KinesisStreamConfig[];
  /** AWS client properties (`SocketTimeout`, `MaxConnections`, …). */
  readonly clientConfigProperties: Readonly<Record<string, string>>;
  /** `fail` (default) or `skip`. */
  readonly onRoutingFailure: RoutingFailurePolicy;
  /** Pause between polls of a shard that had nothing new (Keyflow addition). Default 200 ms. */
  readonly pollIntervalMs: number;
  /** Most records one poll of a shard returns (Keyflow addition). Default 10,000. */
  readonly maxRecordsPerPoll: number;
  /** How often streams are listed again to find new shards (Keyflow addition). Default 10 s. */
  readonly shardDiscoveryIntervalMs: number;
}

const STARTUP_POSITIONS = ['latest', 'earliest', 'date'] as const;

/**
 * `io.statefun.kinesis.v1/ingress`, with StateFun's keys: `id`, `awsRegion`, `awsCredentials`,
 * `startupPosition` (`type`: `latest` (default), `earliest`, `date` with `date`), `streams[]`
 * (`stream`, `valueType`, `targets`), `clientConfigProperties`; and Keyflow's
 * `onRoutingFailure`, `pollInterval`, `maxRecordsPerPoll` and `shardDiscoveryInterval`.
 */
export const kinesisIngressKind: IngressKind<KinesisIngressConfig> = {
  name: ConnectorKinds.KINESIS_INGRESS,
  role: 'ingress',
  readSpec(spec: SpecReader): KinesisIngressConfig {
    const streams = spec.list('streams', { nonEmpty: true }).map((stream) => ({
      stream: stream.string('stream'),
      valueType: stream.typename('valueType'),
      targets: stream.typenameList('targets', { nonEmpty: true }),
    }));
    const seen = new Set<string>();
    for (const { stream } of streams) {
      if (seen.has(stream)) spec.error('streams', 'each stream listed once', `lists '${stream}' twice`);
      seen.add(stream);
    }
    return {
      id: spec.typename('id'),
      awsRegion: readAwsRegion(spec),
      awsCredentials: readAwsCredentials(spec),
      startupPosition: readStartupPosition(spec),
      streams,
      clientConfigProperties: spec.optionalStringMap('clientConfigProperties') ?? {},
      onRoutingFailure: readRoutingFailurePolicy(spec, ['fail', 'skip']),
      pollIntervalMs: spec.optionalDuration('pollInterval', { min: 1 }) ?? 200,
      maxRecordsPerPoll: spec.optionalInt('maxRecordsPerPoll', { min: 1, max: 10_000 }) ?? 10_000,
      shardDiscoveryIntervalMs: spec.optionalDuration('shardDiscoveryInterval', { min: 100 }) ?? 10_000,
    };
  },
  create: (config, { logger }) => new KinesisIngress(config, { logger }),
};

function readStartupPosition(spec: SpecReader): KinesisStartupPosition {
  const position = spec.optionalObject('startupPosition');
  if (!position) return { type: 'latest' };
  const type = position.enumOf('type', STARTUP_POSITIONS);
  if (type !== 'date') return { type };
  const text = position.string('date', { expected: `a date ${STARTUP_DATE_FORMAT}` });
  const epochMillis = parseStartupDate(text);
  if (epochMillis === undefined && text !== '') position.error('date', `a date ${STARTUP_DATE_FORMAT}`);
  return { type, epochMillis: epochMillis ?? 0 };
}
