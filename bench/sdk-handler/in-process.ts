// Measuring process for one SDK, no HTTP: calls the handler function back to back on the
// pre-encoded payloads and prints one JSON line of results. Started by main.ts.
//   argv: <keyflow|official> <timing JSON>

import { handlerOf, type SdkName } from './counter-functions';
import { BATCH_SIZES, checkReply, payload } from './payloads';
import { medianCallsPerSecond, parseTiming } from './timing';

export interface InProcessResult {
  readonly sdk: SdkName;
  /** Requests per second by batch size. */
  readonly requestsPerSecond: Record<number, number>;
}

async function main(): Promise<void> {
  const sdk = process.argv[2] as SdkName;
  const timing = parseTiming(process.argv[3]);
  const handle = handlerOf(sdk);
  const requestsPerSecond: Record<number, number> = {};
  for (const size of BATCH_SIZES) {
    const bytes = payload(size);
    checkReply(await handle(bytes), size, sdk);
    requestsPerSecond[size] = await medianCallsPerSecond(() => handle(bytes), timing, Math.max(1, Math.floor(200 / size)));
  }
  const result: InProcessResult = { sdk, requestsPerSecond };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
