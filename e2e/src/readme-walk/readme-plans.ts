import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';

// How the README walk runs each command of the READMEs, in the order a new user meets them.
// Every command of a walked README must appear here exactly as written (readme-walk.spec.ts
// fails otherwise), so a README cannot gain a command that nothing runs.

/** A command that runs to its end: exit 0, and its output contains each `expect`. */
export interface RunStep {
  readonly run: string;
  readonly expect?: readonly string[];
  /** Default 5 minutes. */
  readonly timeoutMs?: number;
  /** Placeholders the README leaves to the user (`<port>`), filled from what the walk printed so far: group 1 of the pattern. */
  readonly fill?: Readonly<Record<string, RegExp>>;
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
  readonly fill?: Readonly<Record<string, RegExp>>;
}

/** A command the walk does not type, with the test or gate that runs it instead. */
export interface ElsewhereStep {
  readonly elsewhere: string;
  readonly reason: string;
}

const GREETER_CURL = "curl -X POST http://127.0.0.1:8090/greeter/Alice -d 'Alice'";
const ACCEPTED = '"status":"accepted"';

/** Something the README tells the user to do that is not a command (edit a file, look at a file). */
export interface ActStep {
  readonly act: string;
  readonly perform: (walk: WalkContext) => Promise<void>;
}

/** What an act step can reach: the copy, and the command that is running. */
export interface WalkContext {
  readonly copy: string;
  /** What the innermost running command printed so far. */
  readonly output: () => string;
}

export type Step = RunStep | ServeStep | ElsewhereStep | ActStep;

/** The command a step types (or names), or what it does. */
export function commandOf(step: Step): string {
  if ('run' in step) return step.run;
  if ('serve' in step) return step.serve;
  if ('act' in step) return step.act;
  return step.elsewhere;
}

/** Every README command a list of steps covers, follow-ups included. */
export function coveredCommands(steps: readonly Step[]): string[] {
  return steps.flatMap((step) => ('serve' in step ? [step.serve, ...coveredCommands(step.then)] : 'act' in step ? [] : [commandOf(step)]));
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const greetings = (copy: string): Promise<string> => readFile(join(copy, 'apps', 'examples', 'out', 'greetings.jsonl'), 'utf8').catch(() => '');

/**
 * The dev server's promise: a change under apps/examples/src regenerates the code and restarts the
 * runtime, and state survives (Alice was greeted once under npm start: visits 2 and 3 here).
 */
const DEV_SERVER_STEPS: readonly Step[] = [
  { run: GREETER_CURL, expect: [ACCEPTED] },
  { act: 'the greeting says visit number 2', perform: async ({ copy }) => eventually('visit number 2 is in greetings.jsonl', async () => (await greetings(copy)).includes('visit number 2')) },
  {
    act: 'edit apps/examples/src/functions/greeter.function.ts; the server regenerates and restarts',
    perform: async ({ copy, output }) => {
      const starts = (): number => output().split('Keyflow is running').length - 1;
      const before = starts();
      const source = join(copy, 'apps', 'examples', 'src', 'functions', 'greeter.function.ts');
      await appendFile(source, '\n// edited while nx serve runs\n');
      await eventually('the server restarted the runtime', () => starts() > before && output().includes('changed; regenerating and restarting'));
    },
  },
  { run: GREETER_CURL, expect: [ACCEPTED] },
  { act: 'the greeting says visit number 3', perform: async ({ copy }) => eventually('visit number 3 is in greetings.jsonl', async () => (await greetings(copy)).includes('visit number 3')) },
];

const KIND_GATE =
  "`.ci/run` runs the kind gate right after `npm test` (`npx nx e2e e2e-kind`, tools/kind/gate.sh): it builds these images from " +
  'docker/images.json with these Dockerfiles (tools/kind/build-images.sh, the same steps as tools/kind/images.sh), loads them into a ' +
  'real kind cluster and deploys the generated manifests; it needs root and dockerd, which the e2e suite does not start';


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
          {
            run: `curl -X POST http://127.0.0.1:8090/cart/c1 -H 'Prefer: wait=5' -d '{"op":"add","sku":"cake","quantity":1,"priceCents":300}'`,
            expect: ['"cart":"c1"', '{"sku":"cake","quantity":1,"priceCents":300}', '"totalCents":1200,"version":2'],
          },
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
        then: DEV_SERVER_STEPS,
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

/**
 * The "Scale out on Apache Flink" section: a local Kafka broker, the function service and a Flink
 * StateFun cluster of separate JVMs, through nx and through the keyflow command. The first run
 * downloads Flink's and StateFun's jars (cached in ~/.cache/keyflow), hence the long timeouts.
 */
function flinkSteps(): Step[] {
  const up = 'Apache Flink StateFun is running';
  const port = { '<port>': /--bootstrap-server 127\.0\.0\.1:(\d+)/ };
  return [
    {
      serve: 'npx nx run examples:flink',
      ready: up,
      timeoutMs: 15 * 60_000,
      then: [
        {
          run: "printf 'Alice:hello\\n' | tools/kafka/kafka.sh tool kafka.tools.ConsoleProducer --bootstrap-server 127.0.0.1:<port> --topic names --property parse.key=true --property key.separator=:",
          fill: port,
        },
        {
          serve:
            'tools/kafka/kafka.sh tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server 127.0.0.1:<port> --topic greetings --from-beginning --isolation-level read_committed --property print.key=true',
          fill: port,
          // The greeter's answer, keyed by the name.
          ready: 'Alice\t',
          timeoutMs: 3 * 60_000,
          then: [],
          afterCtrlC: [],
        },
      ],
      // Nx stops relaying its command's output when Ctrl+C reaches it; the walk checks instead
      // that nothing the command started (broker, JVMs, function service) is left running.
      afterCtrlC: [],
    },
    { run: 'npx nx run runtime:build' },
    {
      serve:
        'npx keyflow flink up --module apps/examples/deploy/statefun/module.yaml --module apps/examples/deploy/flink/kafka-io.yaml \\\n  --functions apps/examples/src/generated/functions.generated.ts --kafka local --taskmanagers 1 --parallelism 2',
      ready: up,
      timeoutMs: 10 * 60_000,
      then: [
        { run: 'npx keyflow flink savepoint', expect: ['Savepoint written and the job stopped: '] },
        { run: 'npx keyflow flink down', expect: ['Stopped'] },
      ],
      afterCtrlC: [],
    },
    {
      serve:
        'npx keyflow flink up --module apps/examples/deploy/statefun/module.yaml --module apps/examples/deploy/flink/kafka-io.yaml \\\n  --functions apps/examples/src/generated/functions.generated.ts --kafka local --taskmanagers 2 --parallelism 4 \\\n  --from-savepoint <the printed path>',
      fill: { '<the printed path>': /Savepoint written and the job stopped: (\S+)/ },
      ready: up,
      timeoutMs: 10 * 60_000,
      then: [],
      afterCtrlC: ['stopping the job, the cluster and the services'],
    },
  ];
}
