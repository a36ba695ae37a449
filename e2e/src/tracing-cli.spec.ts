import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startKeyflow } from './support/keyflow-process';

// `keyflow run --otlp-traces <url> --trace-sample-ratio 1`, as a user types it: a request with a
// traceparent is answered with the trace's context, and on stop the spans reach the collector's
// OTLP/HTTP endpoint as protobuf, carrying the request's trace id.

const FIXTURE = join(__dirname, 'fixtures', 'reply-functions.ts');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('keyflow run with traces', () => {
  it('exports the spans of a traced request to the OTLP endpoint it was given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyflow-tracing-cli-'));
    const exports: Buffer[] = [];
    const collector = createServer((request, response) => {
      const parts: Buffer[] = [];
      request.on('data', (part: Buffer) => parts.push(part));
      request.on('end', () => {
        if (request.url === '/v1/traces' && request.headers['content-type'] === 'application/x-protobuf') exports.push(Buffer.concat(parts));
        response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
    try {
      const port = await freePort();
      const module = join(dir, 'module.yaml');
      await writeFile(
        module,
        `kind: io.keyflow.endpoints.v1/embedded\nspec:\n  functions: reply/*\n  module: ${FIXTURE}\n---\nkind: io.keyflow.http.v1/ingress\nspec:\n  id: reply/http\n  port: ${port}\n  routes:\n    - path: /accounts\n      valueType: io.statefun.types/string\n      targets: [reply/account]\n`,
      );
      const keyflow = await startKeyflow(['--module', module, '--state-dir', join(dir, 'state'), '--otlp-traces', endpoint, '--trace-sample-ratio', '1']);
      expect(keyflow.output()).toContain(`Traces: OTLP to ${endpoint}, 100 % of new traces recorded`);
      const response = await fetch(`http://127.0.0.1:${port}/accounts/a1`, {
        method: 'POST',
        body: '5',
        headers: { Prefer: 'wait=5', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('traceparent')).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      keyflow.child.kill('SIGTERM');
      expect(await keyflow.exited).toBe(0);
      // The trace id travels as its 16 bytes in each span.
      expect(Buffer.concat(exports).includes(Buffer.from(TRACE_ID, 'hex'))).toBe(true);
    } finally {
      collector.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
