// Measuring process for one SDK, no HTTP: calls the handler function back to back on the
// pre-encoded payloads, one round at a time as main.ts asks (see round-protocol.ts).
//   argv: <keyflow|official>

import { handlerOf, type SdkName } from './counter-functions';
import { checkReply, payload } from './payloads';
import { serveRounds } from './round-protocol';
import { callsPerSecond } from './timing';

const sdk = process.argv[2] as SdkName;
const handle = handlerOf(sdk);
const payloads = new Map<number, Uint8Array>();

serveRounds(async (size, ms) => {
  let bytes = payloads.get(size);
  if (!bytes) {
    bytes = payload(size);
    checkReply(await handle(bytes), size, sdk);
    payloads.set(size, bytes);
  }
  const request = bytes;
  return callsPerSecond(() => handle(request), ms, Math.max(1, Math.floor(200 / size)));
});
