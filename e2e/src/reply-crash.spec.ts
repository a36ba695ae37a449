import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountView, DepositReply } from './fixtures/reply-functions';
import { freePort, startKeyflow, type KeyflowProcess } from './support/keyflow-process';
import { sleep } from './support/order-traffic';
import { seededRandom } from './support/seeded-random';

// Request/response under kill -9: clients deposit into accounts through the HTTP ingress and
// wait for each deposit's reply (Prefer: wait), retrying under the same Idempotency-Key while
// the runtime is down. The runtime is killed at random moments. Every answer a client received
// must stand in the state after recovery: its deposit number, balance and random token. A reply
// released before its invocation was durable would be contradicted by the recovered state.
// Periodic checkpoints are far apart (10 s), so replies ride on the fast local commit.

const SEED = Number(process.env['KEYFLOW_REPLY_CRASH_SEED'] ?? 20261204);
const KILLS = 8;
const CLIENTS = 8;
const ACCOUNTS = ['a0', 'a1', 'a2'];
/** Each client deposits at least this many times, and goes on until the last kill is behind it. */
const MIN_DEPOSITS_PER_CLIENT = 20;
const FIXTURE = join(__dirname, 'fixtures', 'reply-functions.ts');

interface Answer {
  readonly account: string;
  readonly amount: number;
  readonly reply: DepositReply;
}

function moduleYaml(port: number): string {
  return `kind: io.keyflow.endpoints.v1/embedded
spec:
  functions: reply/*
  module: ${FIXTURE}
---
kind: io.keyflow.http.v1/ingress
spec:
  id: reply/http
  port: ${port}
  routes:
    - path: /accounts
      valueType: io.statefun.types/string
      targets: [reply/account]
`;
}

/** POSTs until answered 200 with the reply (the same key each time); a 202 is polled at its Location. */
async function ask<T>(port: number, path: string, body: string, key: string): Promise<{ reply: T; attempts: number }> {
  const deadline = Date.now() + 90_000;
  let last = '';
  for (let attempts = 1; ; attempts++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': key, Prefer: 'wait=5' },
        signal: AbortSignal.timeout(8_000),
      });
      if (response.status === 200) return { reply: (await response.json()) as T, attempts };
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      // Down or restarting: ask again under the same key.
      last = `${String(error)} (${String((error as Error).cause)})`;
    }
    if (Date.now() > deadline) throw new Error(`${path} ${body} (key ${key}) never got its reply; last answer: ${last}`);
    await sleep(25);
  }
}

describe('request/response under kill -9', () => {
  it('never gives an answer that the recovered state takes back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyflow-reply-crash-'));
    const random = seededRandom(SEED);
    const port = await freePort();
    let keyflow: KeyflowProcess | undefined;
    try {
      const module = join(dir, 'module.yaml');
      await writeFile(module, moduleYaml(port));
      const args = ['--module', module, '--state-dir', join(dir, 'state'), '--checkpoint-interval', '10s'];
      keyflow = await startKeyflow(args);

      const answers: Answer[] = [];
      let retried = 0;
      let kills = 0;
      const killer = (async () => {
        while (kills < KILLS) {
          await sleep(300 + Math.floor(random() * 700));
          keyflow?.child.kill('SIGKILL');
          await keyflow?.exited;
          kills++;
          keyflow = await startKeyflow(args);
        }
      })();
      const clients = Array.from({ length: CLIENTS }, async (_, client) => {
        for (let deposit = 1; deposit <= MIN_DEPOSITS_PER_CLIENT || kills < KILLS; deposit++) {
          const account = ACCOUNTS[(client + deposit) % ACCOUNTS.length] as string;
          const amount = 1 + Math.floor(random() * 1000);
          const { reply, attempts } = await ask<DepositReply>(port, `/accounts/${account}`, String(amount), `c${client}-d${deposit}`);
          if (attempts > 1) retried++;
          answers.push({ account, amount, reply });
        }
      });
      await Promise.all([killer, ...clients]);
      expect(retried).toBeGreaterThan(0);

      for (const account of ACCOUNTS) {
        const { reply: view } = await ask<AccountView>(port, `/accounts/${account}`, 'read', `read-${account}`);
        const mine = answers.filter((answer) => answer.account === account).sort((a, b) => a.reply.count - b.reply.count);
        // Each deposit ran once in the state that stands: numbers 1..N, each answer's token where its number says.
        expect(mine.map((answer) => answer.reply.count)).toEqual(mine.map((_, index) => index + 1));
        expect(view.count).toBe(mine.length);
        expect(mine.filter((answer) => view.tokens[answer.reply.count - 1] !== answer.reply.token)).toEqual([]);
        // Each answer's balance is the sum of the deposits up to it.
        let balance = 0;
        for (const answer of mine) {
          balance += answer.amount;
          expect(answer.reply.balance).toBe(balance);
        }
        expect(view.balance).toBe(balance);
      }
      keyflow.child.kill('SIGTERM');
      expect(await keyflow.exited).toBe(0);
      console.log(
        `reply crash test: seed ${SEED}, ${kills} kill -9s, ${answers.length} deposits answered (${retried} after a retry), every answer in the recovered state`,
      );
    } catch (error) {
      console.log(`the runtime's output:\n${keyflow?.output().slice(-5_000) ?? ''}`);
      throw error;
    } finally {
      keyflow?.child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
