import { configOf, problemsOf, yaml } from '../test-support/module-parsing';
import type { KinesisEgressConfig } from './kinesis-egress-kind';
import type { KinesisIngressConfig } from './kinesis-ingress-kind';

describe('io.statefun.kinesis.v1/ingress', () => {
  it("reads StateFun's example as written", () => {
    const config = configOf<KinesisIngressConfig>(
      yaml(
        'kind: io.statefun.kinesis.v1/ingress',
        'spec:',
        '  id: com.example/users',
        '  awsRegion:',
        '    type: specific',
        '    id: eu-west-1',
        '  awsCredentials:',
        '    type: basic',
        '    accessKeyId: access-key-id',
        '    secretAccessKey: secret-access-key',
        '  startupPosition:',
        '    type: date',
        '    date: 2020-02-01 04:15:00.00 Z',
        '  streams:',
        '    - stream: user-stream',
        '      valueType: com.example/User',
        '      targets:',
        '        - com.example.fn/greeter',
        '  clientConfigProperties:',
        '    - SocketTimeout: 9999',
        '    - MaxConnections: 15',
      ),
    );
    expect(config).toEqual({
      id: 'com.example/users',
      awsRegion: { type: 'specific', id: 'eu-west-1' },
      awsCredentials: { type: 'basic', accessKeyId: 'access-key-id', secretAccessKey: 'secret-access-key' },
      startupPosition: { type: 'date', epochMillis: Date.UTC(2020, 1, 1, 4, 15) },
      streams: [{ stream: 'user-stream', valueType: 'com.example/User', targets: ['com.example.fn/greeter'] }],
      clientConfigProperties: { SocketTimeout: '9999', MaxConnections: '15' },
      onRoutingFailure: { policy: 'fail' },
      pollIntervalMs: 200,
      maxRecordsPerPoll: 10_000,
      shardDiscoveryIntervalMs: 10_000,
    });
  });

  it('defaults to latest and the default region and credential chains; reads custom endpoints and profiles', () => {
    const config = configOf<KinesisIngressConfig>(
      yaml(
        'kind: io.statefun.kinesis.v1/ingress',
        'spec:',
        '  id: a/in',
        '  awsRegion: { type: custom-endpoint, endpoint: "http://localhost:4567", id: us-west-1 }',
        '  awsCredentials: { type: profile, profileName: dev, profilePath: creds }',
        '  streams: [{ stream: s, valueType: a/T, targets: [a/f] }]',
        '  pollInterval: 50ms',
      ),
    );
    expect(config.startupPosition).toEqual({ type: 'latest' });
    expect(config.awsRegion).toEqual({ type: 'custom-endpoint', endpoint: 'http://localhost:4567', id: 'us-west-1' });
    expect(config.awsCredentials).toEqual({ type: 'profile', profileName: 'dev', profilePath: '/work/creds' });
    expect(config.pollIntervalMs).toBe(50);
  });

  it('reports problems with their lines', () => {
    expect(
      problemsOf(
        yaml(
          'kind: io.statefun.kinesis.v1/ingress',
          'spec:',
          '  id: a/in',
          '  awsRegion: { type: specific }',
          '  awsCredentials: { type: anonymous }',
          '  streams: [{ stream: s, valueType: a/T, targets: [a/f] }]',
          '  onRoutingFailure: { policy: dead-letter, topic: x }',
        ),
      ).map((line) => line.split(',')[0]),
    ).toEqual([
      'module.yaml:4 spec.awsRegion.id is missing',
      'module.yaml:5 spec.awsCredentials.type is "anonymous"',
      'module.yaml:7 spec.onRoutingFailure.policy is "dead-letter"',
    ]);
  });
});

describe('io.statefun.kinesis.v1/egress', () => {
  it("reads StateFun's example as written", () => {
    const config = configOf<KinesisEgressConfig>(
      yaml(
        'kind: io.statefun.kinesis.v1/egress',
        'spec:',
        '  id: com.example/out',
        '  awsRegion:',
        '    type: specific',
        '    id: eu-west-1',
        '  awsCredentials:',
        '    type: default',
        '  maxOutstandingRecords: 9999',
        '  clientConfigProperties:',
        '    - ThreadingModel: POOLED',
        '    - ThreadPoolSize: 10',
      ),
    );
    expect(config).toEqual({
      id: 'com.example/out',
      awsRegion: { type: 'specific', id: 'eu-west-1' },
      awsCredentials: { type: 'default' },
      maxOutstandingRecords: 9999,
      clientConfigProperties: { ThreadingModel: 'POOLED', ThreadPoolSize: '10' },
    });
    expect(configOf<KinesisEgressConfig>(yaml('kind: io.statefun.kinesis.v1/egress', 'spec:', '  id: a/out')).maxOutstandingRecords).toBe(1000);
  });
});
