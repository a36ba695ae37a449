import type { SpecReader } from '@keyflow/runtime/kinds';

/** StateFun's `awsRegion`: the SDK's default chain, a region id, or a custom endpoint (local servers). */
export type AwsRegionConfig =
  | { readonly type: 'default' }
  | { readonly type: 'specific'; readonly id: string }
  | { readonly type: 'custom-endpoint'; readonly endpoint: string; readonly id: string };

/** StateFun's `awsCredentials`: the SDK's default chain, a key pair, or a profile. */
export type AwsCredentialsConfig =
  | { readonly type: 'default' }
  | { readonly type: 'basic'; readonly accessKeyId: string; readonly secretAccessKey: string }
  | { readonly type: 'profile'; readonly profileName: string; readonly profilePath: string | undefined };

const REGION_TYPES = ['default', 'specific', 'custom-endpoint'] as const;
const CREDENTIAL_TYPES = ['default', 'basic', 'profile'] as const;

/** Reads `awsRegion` (default: `{ type: default }`). */
export function readAwsRegion(spec: SpecReader): AwsRegionConfig {
  const region = spec.optionalObject('awsRegion');
  if (!region) return { type: 'default' };
  const type = region.enumOf('type', REGION_TYPES);
  switch (type) {
    case 'default':
      return { type };
    case 'specific':
      return { type, id: region.string('id', { expected: "an AWS region id such as 'us-west-1'" }) };
    case 'custom-endpoint':
      return {
        type,
        endpoint: region.string('endpoint', { expected: "an endpoint URL such as 'http://localhost:4567'" }),
        id: region.string('id', { expected: "an AWS region id such as 'us-west-1'" }),
      };
  }
}

/** Reads `awsCredentials` (default: `{ type: default }`). */
export function readAwsCredentials(spec: SpecReader): AwsCredentialsConfig {
  const credentials = spec.optionalObject('awsCredentials');
  if (!credentials) return { type: 'default' };
  const type = credentials.enumOf('type', CREDENTIAL_TYPES);
  switch (type) {
    case 'default':
      return { type };
    case 'basic':
      return { type, accessKeyId: credentials.string('accessKeyId'), secretAccessKey: credentials.string('secretAccessKey') };
    case 'profile':
      return { type, profileName: credentials.string('profileName'), profilePath: credentials.optionalFilePath('profilePath') };
  }
}
