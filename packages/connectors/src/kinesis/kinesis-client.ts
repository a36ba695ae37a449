import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Logger } from '@keyflow/sdk';
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialsConfig, AwsRegionConfig } from './aws-settings';

/** AWS client settings, as StateFun takes them (Java `ClientConfiguration` / KPL names). */
export interface KinesisClientSettings {
  readonly region: AwsRegionConfig;
  readonly credentials: AwsCredentialsConfig;
  readonly properties: Readonly<Record<string, string>>;
}

/**
 * Property names honoured in `clientConfigProperties`, Java SDK `ClientConfiguration` style
 * (ingress) and Kinesis Producer Library style (egress). Others are reported and ignored.
 */
const CLIENT_PROPERTIES = new Set([
  'SocketTimeout',
  'ConnectionTimeout',
  'RequestTimeout',
  'MaxConnections',
  'MaxErrorRetry',
  'KinesisEndpoint',
  'KinesisPort',
  'VerifyCertificate',
  'aws.endpoint',
]);

/**
 * A Kinesis client for StateFun's region and credential settings. HTTP/1.1 with keep-alive
 * (polling needs nothing else, and local servers such as kinesalite speak only that); a
 * `custom-endpoint` region, or the `aws.endpoint` / `KinesisEndpoint` properties, point it at
 * a local server.
 */
export function createKinesisClient(settings: KinesisClientSettings, logger: Logger, extraProperties: ReadonlySet<string> = new Set()): KinesisClient {
  const { region, credentials, properties } = settings;
  const int = (name: string): number | undefined => {
    const value = properties[name];
    const number = value === undefined ? Number.NaN : Number(value);
    return Number.isSafeInteger(number) && number >= 0 ? number : undefined;
  };
  const maxSockets = int('MaxConnections') ?? 50;
  const requestTimeout = int('SocketTimeout') ?? int('RequestTimeout');
  const connectionTimeout = int('ConnectionTimeout');
  const config: KinesisClientConfig = {
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets, rejectUnauthorized: properties['VerifyCertificate'] !== 'false' }),
      ...(requestTimeout === undefined ? {} : { requestTimeout }),
      ...(connectionTimeout === undefined ? {} : { connectionTimeout }),
    }),
  };
  const maxErrorRetry = int('MaxErrorRetry');
  if (maxErrorRetry !== undefined) config.maxAttempts = maxErrorRetry + 1;
  if (region.type !== 'default') config.region = region.id;
  const endpoint = region.type === 'custom-endpoint' ? region.endpoint : endpointFromProperties(properties);
  if (endpoint !== undefined) config.endpoint = endpoint;
  switch (credentials.type) {
    case 'basic':
      config.credentials = { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
      break;
    case 'profile':
      config.credentials = fromIni({
        profile: credentials.profileName,
        ...(credentials.profilePath === undefined ? {} : { filepath: credentials.profilePath }),
      });
      break;
    case 'default':
      break;
  }
  const ignored = Object.keys(properties).filter((name) => !CLIENT_PROPERTIES.has(name) && !extraProperties.has(name));
  if (ignored.length > 0) logger.warn('Kinesis client properties without an equivalent are ignored', { properties: ignored });
  return new KinesisClient(config);
}

function endpointFromProperties(properties: Readonly<Record<string, string>>): string | undefined {
  const endpoint = properties['aws.endpoint'];
  if (endpoint !== undefined && endpoint !== '') return endpoint;
  const host = properties['KinesisEndpoint'];
  if (host === undefined || host === '') return undefined;
  // The Kinesis Producer Library always speaks HTTPS; use a custom-endpoint region for plain HTTP.
  return `https://${host}:${properties['KinesisPort'] ?? '443'}`;
}
