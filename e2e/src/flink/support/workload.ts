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
