import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/keyflow-process';
import { readmeCommands } from './readme-commands';
import { README_PLANS, commandOf, coveredCommands, type ServeStep, type Step } from './readme-plans';
import { ShellCommand, runToEnd } from './shell';

// A new user's first hour, on a clean copy of the repository: every command of the root README
// and of each package's README, typed as written, in order, must succeed. Long-running commands
// (npm start, the dev server, keyflow run) run until the walk presses Ctrl+C, and the commands a
// README types in a second terminal meanwhile run against them.

jest.setTimeout(30 * 60_000);

/** The package READMEs, found on disk, so that a new package's README is walked too. */
function walkedReadmes(): string[] {
  const packages = execFileSync('git', ['ls-files', 'README.md', 'packages/*/README.md', 'apps/*/README.md'], { cwd: ROOT, encoding: 'utf8' });
  return packages.split('\n').filter((line) => line !== '');
}

describe('the README walk', () => {
  it('knows how to run every command of every walked README, and nothing else', () => {
    const readmes = walkedReadmes();
    for (const readme of readmes) {
      const written = readmeCommands(ROOT, readme).map((found) => found.command);
      const plan = README_PLANS.find((candidate) => candidate.readme === readme);
      const planned = plan === undefined ? [] : coveredCommands(plan.steps);
      // A README command without a step, or a step whose command the README no longer has.
      expect({ readme, missing: written.filter((command) => !planned.includes(command)) }).toEqual({ readme, missing: [] });
      expect({ readme, stale: planned.filter((command) => !written.includes(command)) }).toEqual({ readme, stale: [] });
    }
    expect(README_PLANS.map((plan) => plan.readme).filter((readme) => !readmes.includes(readme))).toEqual([]);
  });

  describe('on a clean copy of the repository', () => {
    let copy: string;
    const running: ShellCommand[] = [];
    /** The long-running commands now running, innermost last. */
    const serving: ShellCommand[] = [];
    /** Everything the walk's commands printed, for the placeholders a README leaves to the user. */
    let transcript = '';

    function filled(command: string, fill: Readonly<Record<string, RegExp>> = {}): string {
      return Object.entries(fill).reduce((text, [placeholder, pattern]) => {
        const found = [...transcript.matchAll(new RegExp(pattern.source, 'g'))].at(-1)?.[1];
        if (found === undefined) throw new Error(`nothing printed so far fills ${placeholder} of '${command}' (${pattern})`);
        return text.split(placeholder).join(found);
      }, command);
    }

    beforeAll(async () => {
      copy = await mkdtemp(join(tmpdir(), 'keyflow-readme-walk-'));
      execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, copy]);
      log(`clean copy of ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: copy, encoding: 'utf8' }).trim()} in ${copy}`);
    });

    afterAll(async () => {
      for (const shell of running) shell.kill();
      await rm(copy, { recursive: true, force: true });
    });

    /** Processes started from the copy (their command line names it), other than the walk's own. */
    async function leftovers(): Promise<string[]> {
      const found: string[] = [];
      for (const pid of await readdir('/proc')) {
        if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
        const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        if (commandLine.includes(copy)) found.push(`${pid}: ${commandLine.replace(/\0/g, ' ').slice(0, 200)}`);
      }
      return found;
    }

    async function nothingLeftRunning(command: string): Promise<void> {
      let left = await leftovers();
      for (const deadline = Date.now() + 60_000; left.length > 0 && Date.now() < deadline; left = await leftovers()) {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect({ afterCtrlC: command, stillRunning: left }).toEqual({ afterCtrlC: command, stillRunning: [] });
    }

    async function walk(step: Step, depth = 0): Promise<void> {
      const started = Date.now();
      if ('elsewhere' in step) {
        log(`- not typed: ${step.elsewhere.split('\n')[0]} (${step.reason.slice(0, 60)}…)`);
        return;
      }
      if ('act' in step) {
        await step.perform({ copy, output: () => serving.at(-1)?.output ?? '' });
      } else if ('run' in step) {
        const output = await runToEnd(filled(step.run, step.fill), copy, step.timeoutMs ?? 5 * 60_000);
        transcript += output;
        for (const expected of step.expect ?? []) expect({ command: step.run, output: output.includes(expected) ? expected : output }).toEqual({ command: step.run, output: expected });
      } else {
        await serve(step, depth);
      }
      log(`$ ${commandOf(step).split('\n')[0]}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }

    async function serve(step: ServeStep, depth: number): Promise<void> {
      const shell = new ShellCommand(filled(step.serve, step.fill), copy);
      running.push(shell);
      serving.push(shell);
      await shell.waitFor(step.ready, step.timeoutMs ?? 5 * 60_000);
      transcript += shell.output;
      for (const next of step.then) await walk(next, depth + 1);
      const { code, output } = await shell.interrupt(120_000);
      serving.pop();
      transcript += output;
      const printed = output.slice(output.indexOf(step.ready));
      for (const expected of step.afterCtrlC) {
        expect({ command: step.serve, afterCtrlC: printed.includes(expected) || output.includes(expected) ? expected : output }).toEqual({ command: step.serve, afterCtrlC: expected });
      }
      // npm and nx report Ctrl+C as their own exit codes; the app itself must not have failed.
      expect({ command: step.serve, failed: /\[KF_[A-Z_]+\]|Keyflow stopped processing/.test(output) ? output : false }).toEqual({ command: step.serve, failed: false });
      // What a top-level command started must stop with it (a second terminal's command runs inside one).
      if (depth === 0) await nothingLeftRunning(step.serve);
      log(`  Ctrl+C: exit ${code}`);
    }

    for (const plan of README_PLANS) {
      it(`runs the commands of ${plan.readme} as written`, async () => {
        for (const step of plan.steps) await walk(step);
      });
    }

    it('runs a module with Kinesis and Kafka kinds after npm ci and npm start (the connectors are compiled on first use)', async () => {
      const module = join(copy, '.keyflow', 'connectors-module.yaml');
      await writeFile(
        module,
        [
          'kind: io.statefun.kinesis.v1/egress',
          'spec:',
          '  id: example/stream',
          '  awsRegion: { type: custom-endpoint, endpoint: "http://127.0.0.1:9", id: us-east-1 }',
          '  awsCredentials: { type: basic, accessKeyId: walk, secretAccessKey: walk }',
          '---',
          'kind: io.statefun.kafka.v1/egress',
          'spec:',
          '  id: example/topic',
          '  address: 127.0.0.1:9',
          '  deliverySemantic: { type: at-least-once }',
          '',
        ].join('\n'),
      );
      const shell = new ShellCommand(`npx keyflow run --module ${module} --memory-state --state-dir .keyflow/connectors`, copy);
      running.push(shell);
      await shell.waitFor('Keyflow is running', 5 * 60_000);
      expect(shell.output).toContain('io.statefun.kinesis.v1/egress');
      expect(shell.output).toContain('io.statefun.kafka.v1/egress');
      await shell.interrupt(60_000);
    });

    it('compiles again when a source changed since the last build, instead of running old code', async () => {
      const source = join(copy, 'packages', 'runtime', 'src', 'cli', 'run-command.ts');
      await writeFile(source, `${await readFile(source, 'utf8')}\n// edited by the README walk\n`);
      const output = await runToEnd('npx keyflow run --help', copy, 5 * 60_000);
      expect(output).toContain('compiling (tsc -b)');
      expect(output).toContain('Usage: keyflow run');
    });
  });
});

function log(line: string): void {
  process.stdout.write(`[readme walk] ${line}\n`);
}
