// How main.ts drives a measuring process: one JSON line per round on stdin,
// {"size": <batch size>, "ms": <duration>}, answered by one JSON line on stdout, {"rate": <requests/s>}.
// Driving rounds one at a time lets main.ts alternate the SDKs round by round, so that a change
// in machine load hits both alike.

import { createInterface } from 'node:readline';

export interface RoundRequest {
  readonly size: number;
  readonly ms: number;
}

export interface RoundResult {
  readonly rate: number;
}

/** Answers round requests until stdin closes; `measure` returns requests per second. */
export function serveRounds(measure: (size: number, ms: number) => Promise<number>): void {
  const lines = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      const { size, ms } = JSON.parse(line) as RoundRequest;
      const result: RoundResult = { rate: await measure(size, ms) };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
    queue.catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
  lines.on('close', () => {
    void queue.then(() => process.exit(0));
  });
}
