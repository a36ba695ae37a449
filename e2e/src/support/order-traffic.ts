import { readFile } from 'node:fs/promises';

// A client's side of the crash and fault tests: posting until the runtime accepts, and reading
// what the file egress wrote.

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** POSTs `body` to `path` until it is answered 202, with the same Idempotency-Key every time. */
export async function postUntilAccepted(port: () => number, path: string, body: string, idempotencyKey: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port()}${path}`, {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
        signal: AbortSignal.timeout(5_000),
      });
      if (response.status === 202) return;
    } catch {
      // The runtime is down or restarting: retry with the same key.
    }
    if (Date.now() > deadline) throw new Error(`${path} ${body} was never accepted`);
    await sleep(20);
  }
}

/** The values the file egress at `path` wrote, in order ([] before it exists). */
export async function egressLines(path: string): Promise<string[]> {
  try {
    return (await readFile(path, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { value: string }).value);
  } catch {
    return [];
  }
}
