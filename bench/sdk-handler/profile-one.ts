import { handlerOf, type SdkName } from './counter-functions';
import { payload } from './payloads';
async function main() {
  const sdk = process.argv[2] as SdkName; const size = Number(process.argv[3]); const ms = Number(process.argv[4] ?? 4000);
  const handle = handlerOf(sdk); const bytes = payload(size);
  const end = Date.now() + ms; let n = 0;
  while (Date.now() < end) { for (let i = 0; i < 100; i++) await handle(bytes); n += 100; }
  console.log(sdk, size, (n * size * 1000) / ms, 'inv/s');
}
void main();
