/**
 * The services the example app talks to inside the cluster: a single-node Kafka (KRaft), an
 * S3-speaking server for checkpoints and kinesalite, each a Deployment and a Service named
 * `kafka`, `s3` and `kinesis`, from the images tools/kind/build-images.sh builds.
 */

/** Where the runtime and the tests find the services. */
export const SERVICES = {
  kafka: { name: 'kafka', port: 9092, externalPort: 9094 },
  s3: { name: 's3', port: 4568, bucket: 'keyflow' },
  kinesis: { name: 'kinesis', port: 4567 },
} as const;

function deployment(name: string, image: string, port: number, extra: { args?: readonly string[]; volumes?: string; mounts?: string; init?: string }): string {
  const args = extra.args ? `          args: ${JSON.stringify(extra.args)}\n` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: keyflow-gate }
spec:
  replicas: 1
  strategy: { type: Recreate }
  selector: { matchLabels: { app.kubernetes.io/name: ${name} } }
  template:
    metadata:
      labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: keyflow-gate }
    spec:
${extra.init ?? ''}      containers:
        - name: ${name}
          image: ${image}
          imagePullPolicy: IfNotPresent
${args}          ports: [{ containerPort: ${port} }]
          readinessProbe: { tcpSocket: { port: ${port} }, periodSeconds: 2 }
          resources: { requests: { cpu: 50m, memory: 64Mi } }
${extra.mounts ?? ''}${extra.volumes ?? ''}---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { app.kubernetes.io/name: ${name} }
  ports: [{ name: main, port: ${port}, targetPort: ${port} }]
`;
}

/**
 * The Kafka broker: one listener for the cluster (`kafka:9092`) and one that advertises
 * `127.0.0.1:<localPort>`, the port the tests' port-forward listens on.
 */
export function kafkaManifest(localPort: number): string {
  const { name, port, externalPort } = SERVICES.kafka;
  const properties = [
    'process.roles=broker,controller',
    'node.id=1',
    'controller.quorum.voters=1@127.0.0.1:9093',
    `listeners=INTERNAL://0.0.0.0:${port},EXTERNAL://0.0.0.0:${externalPort},CONTROLLER://127.0.0.1:9093`,
    `advertised.listeners=INTERNAL://${name}:${port},EXTERNAL://127.0.0.1:${localPort}`,
    'listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=INTERNAL',
    'controller.listener.names=CONTROLLER',
    'log.dirs=/var/lib/kafka',
    'num.partitions=4',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'auto.create.topics.enable=true',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=4',
    'log.cleaner.dedupe.buffer.size=16777216',
  ];
  const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kafka-config
data:
  server.properties: |
${properties.map((line) => `    ${line}`).join('\n')}
---
`;
  const volumes = `      volumes:
        - { name: config, configMap: { name: kafka-config } }
        - { name: data, emptyDir: {} }
`;
  const mounts = `          volumeMounts:
            - { name: config, mountPath: /etc/kafka }
            - { name: data, mountPath: /var/lib/kafka }
`;
  const init = `      initContainers:
        - name: format
          image: keyflow-kind/kafka:latest
          imagePullPolicy: IfNotPresent
          args: ["kafka.tools.StorageTool", "format", "--cluster-id", "a2V5Zmxvdy1nYXRlLTAx", "--config", "/etc/kafka/server.properties", "--ignore-formatted"]
          volumeMounts:
            - { name: config, mountPath: /etc/kafka }
            - { name: data, mountPath: /var/lib/kafka }
`;
  const broker = deployment(name, 'keyflow-kind/kafka:latest', port, { volumes, mounts, init });
  // The broker's external listener needs a port of its own on the Service for port-forward.
  return configMap + broker.replace(`ports: [{ name: main, port: ${port}, targetPort: ${port} }]`, `ports: [{ name: main, port: ${port}, targetPort: ${port} }, { name: external, port: ${externalPort}, targetPort: ${externalPort} }]`);
}

/** s3rver with the checkpoint bucket. */
export function s3Manifest(): string {
  const { name, port, bucket } = SERVICES.s3;
  return deployment(name, 'keyflow-kind/s3rver:latest', port, {
    // s3rver would read the host name `s3` as a bucket (virtual-host style): path style only.
    args: ['--address', '0.0.0.0', '--port', String(port), '--no-vhost-buckets', '--directory', '/tmp/s3', '--configure-bucket', bucket],
  });
}

/** kinesalite, in memory. */
export function kinesisManifest(): string {
  const { name, port } = SERVICES.kinesis;
  return deployment(name, 'keyflow-kind/kinesalite:latest', port, {
    args: ['--port', String(port), '--createStreamMs', '10', '--deleteStreamMs', '10', '--updateStreamMs', '10', '--shardLimit', '50'],
  });
}
