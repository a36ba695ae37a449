// How the README walk runs each command of the READMEs, in the order a new user meets them.
// Every command of a walked README must appear here exactly as written (readme-walk.spec.ts
// fails otherwise), so a README cannot gain a command that nothing runs.

/** A command that runs to its end: exit 0, and its output contains each `expect`. */
export interface RunStep {
  readonly run: string;
  readonly expect?: readonly string[];
  /** Default 5 minutes. */
  readonly timeoutMs?: number;
}

/**
 * A command that runs until Ctrl+C (an app, a dev server): it must print `ready`, then the `then`
 * steps run while it does (commands from a second terminal), then Ctrl+C, after which its
 * output contains each of `afterCtrlC`.
 */
export interface ServeStep {
  readonly serve: string;
  readonly ready: string;
  readonly then: readonly Step[];
  readonly afterCtrlC: readonly string[];
  /** How long until `ready`; default 5 minutes. */
  readonly timeoutMs?: number;
}

/** A command the walk does not type, with the test or gate that runs it instead. */
export interface ElsewhereStep {
  readonly elsewhere: string;
  readonly reason: string;
}

export type Step = RunStep | ServeStep | ElsewhereStep;

/** The command a step types (or names). */
export function commandOf(step: Step): string {
  if ('run' in step) return step.run;
  if ('serve' in step) return step.serve;
  return step.elsewhere;
}

/** Every command a list of steps covers, follow-ups included. */
export function coveredCommands(steps: readonly Step[]): string[] {
  return steps.flatMap((step) => ('serve' in step ? [step.serve, ...coveredCommands(step.then)] : [commandOf(step)]));
}

const KIND_GATE =
  "`.ci/run` runs the kind gate right after `npm test` (`npx nx e2e e2e-kind`, tools/kind/gate.sh): it builds these images from " +
  'docker/images.json with these Dockerfiles (tools/kind/build-images.sh, the same steps as tools/kind/images.sh), loads them into a ' +
  'real kind cluster and deploys the generated manifests; it needs root and dockerd, which the e2e suite does not start';

const GREETER_CURL = "curl -X POST http://127.0.0.1:8090/greeter/Alice -d 'Alice'";
const ACCEPTED = '"status":"accepted"';

/** The READMEs walked, each with its steps. */
export const README_PLANS: ReadonlyArray<{ readonly readme: string; readonly steps: readonly Step[] }> = [
  {
    readme: 'README.md',
    steps: [
      { run: 'npm ci', timeoutMs: 10 * 60_000 },
      {
        serve: 'npm start',
        ready: 'Keyflow is running',
        timeoutMs: 10 * 60_000,
        then: [
          { run: GREETER_CURL, expect: [ACCEPTED] },
          { run: `curl -X POST http://127.0.0.1:8090/cart/c1 -d '{"op":"add","sku":"tea","quantity":2,"priceCents":450}'`, expect: [ACCEPTED] },
          { run: `curl -X POST http://127.0.0.1:8090/cart/c1 -d '{"op":"checkout"}'`, expect: [ACCEPTED] },
          { run: `curl -X POST http://127.0.0.1:8090/heartbeat/h1 -d '{"op":"start","every":"10s"}'`, expect: [ACCEPTED] },
          { run: `curl -X POST http://127.0.0.1:8090/heartbeat/h1 -d '{"op":"stop"}'`, expect: [ACCEPTED] },
          { run: 'npx keyflow state get example/cart/c1', expect: ['example/cart/c1', 'history (io.keyflow.types/list', 'add 2 × tea'] },
          { run: 'npx keyflow state list example/cart', expect: ['c1'] },
          { run: 'curl http://127.0.0.1:8091/metrics', expect: ['# TYPE keyflow_'] },
        ],
        afterCtrlC: ['Stopping: draining queued messages and taking a final checkpoint', 'final checkpoint taken'],
      },
      {
        serve: 'npx nx serve examples',
        ready: 'Keyflow is running',
        then: [],
        // State lives in .keyflow/examples: the dev server starts from npm start's final checkpoint.
        afterCtrlC: ['restored from checkpoint'],
      },
      { elsewhere: 'npm test', reason: 'this walk is part of `npm test`' },
      { elsewhere: 'docker build -f docker/runtime/Dockerfile -t keyflow/runtime:latest .', reason: KIND_GATE },
      { elsewhere: 'docker build -f docker/examples-functions/Dockerfile -t examples-functions:latest .', reason: KIND_GATE },
      { elsewhere: 'tools/kind/images.sh', reason: KIND_GATE },
      { elsewhere: 'npx nx e2e e2e-kind', reason: KIND_GATE },
      ...flinkSteps(),
    ],
  },
  {
    readme: 'packages/codegen/README.md',
    steps: [
      { run: 'npx nx run examples:codegen', expect: ['0 written, 0 deleted'] },
      { run: 'npx nx run examples:check-generated', expect: ['Successfully ran target check-generated'] },
      { run: 'npx nx g @keyflow/codegen:function audit --project examples --dry-run', expect: ['CREATE', 'audit', 'NOTE: The "dryRun" flag means no changes were made.'] },
    ],
  },
  {
    readme: 'packages/runtime/README.md',
    steps: [
      { run: 'npx keyflow run --help', expect: ['Usage: keyflow run'] },
      {
        serve: 'npx keyflow run --module apps/examples/deploy/module.yaml --state-dir .keyflow/state --port-admin 8091',
        ready: 'Keyflow is running',
        then: [
          { run: 'npx keyflow savepoint --admin http://127.0.0.1:8091', expect: ['Savepoint written: '] },
          { run: 'curl http://127.0.0.1:8091/metrics', expect: ['# TYPE keyflow_'] },
        ],
        afterCtrlC: ['final checkpoint taken'],
      },
    ],
  },
  {
    readme: 'packages/testing/README.md',
    steps: [{ run: 'npx nx run testing:test', expect: ['Successfully ran target test'], timeoutMs: 10 * 60_000 }],
  },
];

function flinkSteps(): Step[] {
  const reason =
    'e2e/src/flink/flink-statefun.spec.ts runs the same: `keyflow flink up` with the example app over a real Flink StateFun 3.3 cluster ' +
    '(separate JVMs) and Kafka, `keyflow flink savepoint`, `keyflow flink down` and a restart from the savepoint with another parallelism';
  return [
    { elsewhere: 'npx nx run examples:flink', reason },
    {
      elsewhere:
        "printf 'Alice:hello\\n' | tools/kafka/kafka.sh tool kafka.tools.ConsoleProducer --bootstrap-server 127.0.0.1:<port> --topic names --property parse.key=true --property key.separator=:",
      reason,
    },
    {
      elsewhere:
        'tools/kafka/kafka.sh tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server 127.0.0.1:<port> --topic greetings --from-beginning --isolation-level read_committed --property print.key=true',
      reason,
    },
    { elsewhere: 'npx nx run runtime:build', reason },
    {
      elsewhere:
        'npx keyflow flink up --module apps/examples/deploy/statefun/module.yaml --module apps/examples/deploy/flink/kafka-io.yaml \\\n  --functions apps/examples/src/generated/functions.generated.ts --kafka local --taskmanagers 1 --parallelism 2',
      reason,
    },
    { elsewhere: 'npx keyflow flink savepoint', reason },
    { elsewhere: 'npx keyflow flink down', reason },
    {
      elsewhere:
        'npx keyflow flink up --module apps/examples/deploy/statefun/module.yaml --module apps/examples/deploy/flink/kafka-io.yaml \\\n  --functions apps/examples/src/generated/functions.generated.ts --kafka local --taskmanagers 2 --parallelism 4 \\\n  --from-savepoint <the printed path>',
      reason,
    },
  ];
}
