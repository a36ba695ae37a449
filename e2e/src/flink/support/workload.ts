// The seeded workload of the Flink suite and the output the example app must give for it.
import type { Message } from 'kafkajs';
import { seededRandom } from '../../support/seeded-random';

/** Records for the example app's two Kafka ingress topics. */
export interface Workload {
  /** Topic `names`: key = a person (the greeter greets by key). */
  readonly names: Message[];
  /** Topic `reminders-in`: key = a person, value = `{ text, inMs }`. */
  readonly reminders: Message[];
}

/** `count` visits over `people` people and `reminderCount` reminders, keys prefixed with `prefix`. */
export function workload(seed: number, prefix: string, count: number, people: number, reminderCount: number): Workload {
  const random = seededRandom(seed);
  const person = (): string => `${prefix}${Math.floor(random() * people)}`;
  const names = Array.from({ length: count }, (_, index) => ({ key: person(), value: `visit ${index}` }));
  const reminders = Array.from({ length: reminderCount }, (_, index) => ({
    key: person(),
    value: JSON.stringify({ text: `task ${index}`, inMs: Math.floor(random() * 1_500) }),
  }));
  return { names, reminders };
}

/**
 * The greetings (`key<TAB>text`, sorted) that example/greeter and example/inbox give for all
 * `batches` of visits together, each exactly once.
 */
export function expectedGreetings(...batches: readonly Message[][]): string[] {
  const seen = new Map<string, number>();
  const lines: string[] = [];
  for (const message of batches.flat()) {
    const id = String(message.key);
    const visits = (seen.get(id) ?? 0) + 1;
    seen.set(id, visits);
    lines.push(`${id}\t${visits === 1 ? `Hello ${id}, nice to meet you!` : `Hello again ${id}, visit number ${visits}.`}`);
  }
  return lines.sort();
}

/**
 * The reminder records (`key<TAB>text`, sorted) that example/reminder gives for `requests`:
 * each acknowledged once and due once, numbered per person in arrival order.
 */
export function expectedReminders(requests: readonly Message[]): string[] {
  const set = new Map<string, number>();
  const lines: string[] = [];
  for (const message of requests) {
    const id = String(message.key);
    const number = (set.get(id) ?? 0) + 1;
    set.set(id, number);
    const { text, inMs } = JSON.parse(String(message.value)) as { text: string; inMs: number };
    lines.push(`${id}\treminder #${number} for ${id} set: ${text} in ${inMs} ms`, `${id}\treminder #${number} for ${id} is due: ${text}`);
  }
  return lines.sort();
}

/** `count` ledger commands over `ledgers` ids (`L0` …): `set <key> <amount>` over six keys, every fifth a `del`. */
export function ledgerWorkload(seed: number, ledgers: number, count: number): Message[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const key = `k${Math.floor(random() * 6)}`;
    const value = index % 5 === 4 ? `del ${key}` : `set ${key} ${Math.floor(random() * 1_000)}`;
    return { key: `L${Math.floor(random() * ledgers)}`, value };
  });
}

/** The records (`key<TAB>text`, sorted) e2e/ledger publishes for `commands`: its whole state after each one. */
export function expectedLedger(commands: readonly Message[]): string[] {
  const maps = new Map<string, Map<string, number>>();
  const logs = new Map<string, string[]>();
  const lines: string[] = [];
  for (const command of commands) {
    const id = String(command.key);
    const [op = '', key = '', amount = '0'] = String(command.value).split(' ');
    const map = maps.get(id) ?? new Map<string, number>();
    maps.set(id, map);
    if (op === 'set') map.set(key, Number(amount));
    else map.delete(key);
    const log = [...(logs.get(id) ?? []), `${op} ${key}`];
    logs.set(id, log);
    const entries = [...map.keys()].sort().map((entryKey) => `${entryKey}=${map.get(entryKey)}`).join(',');
    lines.push(`${id}\tledger ${entries} | ${log.length}: ${log.join(',')}`);
  }
  return lines.sort();
}
