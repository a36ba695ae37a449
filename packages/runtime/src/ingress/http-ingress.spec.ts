import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Types } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { HttpIngressConfig } from '../config/module-config';
import { MemoryBackend } from '../state/memory-backend';
import { FakeClock } from '../test-support/fake-clock';
import { FakeIngressContext } from '../test-support/fake-ingress-context';
import { httpSend, type TestHttpReply } from '../test-support/http-post';
import { address, intValue, stringValue } from '@keyflow/sdk/test-support';
import { useTempDir } from '../test-support/temp-dir';
import { HttpIngress } from './http-ingress';
import { IngressErrorCodes } from './ingress-error-codes';

const INGRESS = 'test/http';
const WINDOW_MS = 60_000;

function config(overrides: Partial<HttpIngressConfig> = {}): HttpIngressConfig {
  return {
    kind: 'http-ingress',
    source: { file: '/test/module.yaml', line: 3 },
    id: INGRESS,
    host: '127.0.0.1',
    port: 0,
    routes: [
      { path: '/greet', valueType: Types.string.typename, targets: ['test/greeter'] },
      { path: '/count', valueType: Types.int.typename, targets: ['test/counter', 'test/audit'] },
    ],
    idempotencyWindowMs: WINDOW_MS,
    maxBodyBytes: 64,
    replyRetentionMs: 60_000,
    maxKeptReplies: 100_000,
    ...overrides,
  };
}

describe('HttpIngress', () => {
  const dir = useTempDir('http-ingress');
  const running = new Set<HttpIngress>();
  let clock: FakeClock;
  let backend: MemoryBackend;

  beforeEach(() => {
    clock = new FakeClock();
    backend = new MemoryBackend();
  });
  afterEach(async () => {
    for (const ingress of running) await ingress.stop();
    running.clear();
  });

  function context(): FakeIngressContext {
    return new FakeIngressContext(dir.path, {
      served: ['test/greeter', 'test/counter', 'test/audit'],
      backend,
      clock: clock.read,
    });
  }

  async function start(
    ctx: FakeIngressContext,
    position?: Uint8Array,
    overrides: Partial<HttpIngressConfig> = {},
  ): Promise<{ ingress: HttpIngress; url: (path: string) => string }> {
    const ingress = new HttpIngress(config(overrides));
    await ingress.start(ctx, position);
    running.add(ingress);
    return { ingress, url: (path) => `http://127.0.0.1:${ingress.address.port}${path}` };
  }

  async function stop(ingress: HttpIngress): Promise<void> {
    running.delete(ingress);
    await ingress.stop();
  }

  const post = (url: string, body: string, headers: Record<string, string> = {}): Promise<TestHttpReply> =>
    httpSend(url, { body, headers: { 'Content-Type': 'text/plain', ...headers } });

  const texts = (ctx: FakeIngressContext): string[] =>
    ctx.enqueued.map((message) => `${message.target.id}:${Types.string.deserialize(message.argument.value)}`);

  it('answers 202 once the message is in the log, and hands it to every target of the route', async () => {
    const ctx = context();
    const { url } = await start(ctx);
    const reply = await post(url('/greet/alice'), 'hello');
    expect(reply.status).toBe(202);
    expect(reply.json).toEqual({ status: 'accepted', seq: 1 });
    expect(ctx.enqueued).toEqual([{ target: address('test/greeter', 'alice'), argument: stringValue('hello'), caller: undefined }]);

    const fanOut = await post(url('/count/a%2Fb'), ' 42 ');
    expect(fanOut.status).toBe(202);
    expect(ctx.enqueued.slice(1)).toEqual([
      { target: address('test/counter', 'a/b'), argument: intValue(42), caller: undefined },
      { target: address('test/audit', 'a/b'), argument: intValue(42), caller: undefined },
    ]);

    // As if the process died now: a second ingress on the same folder finds both in the log.
    const afterCrash = context();
    await start(afterCrash);
    expect(afterCrash.enqueued).toEqual(ctx.enqueued);
  });

  it('replays, after a restart, what was accepted after the checkpointed position', async () => {
    const ctx = context();
    const { ingress, url } = await start(ctx);
    await post(url('/greet/a'), 'm1');
    const { position } = ingress.checkpoint();
    await post(url('/greet/a'), 'm2');
    await post(url('/greet/b'), 'm3');
    await stop(ingress);

    const restarted = context();
    const again = await start(restarted, position);
    expect(texts(restarted)).toEqual(['a:m2', 'b:m3']);
    const next = await post(again.url('/greet/c'), 'm4');
    expect(next.json).toEqual({ status: 'accepted', seq: 4 });
    expect(again.ingress.checkpoint().position).toEqual(Buffer.from(JSON.stringify({ next: 5, nextRequest: 1 })));
  });

  it('accepts an Idempotency-Key once and answers repeats with 202 duplicate, without enqueueing them', async () => {
    const ctx = context();
    const { url } = await start(ctx);
    const first = await post(url('/greet/a'), 'once', { 'Idempotency-Key': 'k-1' });
    const repeat = await post(url('/greet/a'), 'once', { 'Idempotency-Key': 'k-1' });
    const other = await post(url('/greet/a'), 'twice', { 'Idempotency-Key': 'k-2' });
    expect([first.status, repeat.status, other.status]).toEqual([202, 202, 202]);
    expect(first.json).toEqual({ status: 'accepted', seq: 1 });
    expect(repeat.json).toEqual({ status: 'duplicate', idempotencyKey: 'k-1' });
    expect(other.json).toEqual({ status: 'accepted', seq: 2 });
    expect(texts(ctx)).toEqual(['a:once', 'a:twice']);
  });

  it('scopes an Idempotency-Key to the route and id: the same key on another id or route is a new message', async () => {
    const ctx = context();
    const { url } = await start(ctx);
    const first = await post(url('/greet/a'), 'hi', { 'Idempotency-Key': 'k-1' });
    const otherId = await post(url('/greet/b'), 'hi', { 'Idempotency-Key': 'k-1' });
    const otherRoute = await post(url('/count/a'), '7', { 'Idempotency-Key': 'k-1' });
    expect([first.json, otherId.json, otherRoute.json]).toEqual([
      { status: 'accepted', seq: 1 },
      { status: 'accepted', seq: 2 },
      { status: 'accepted', seq: 3 },
    ]);
    expect(ctx.enqueued.map((message) => `${message.target.type}/${message.target.id}`)).toEqual(['greeter/a', 'greeter/b', 'counter/a', 'audit/a']);
  });

  it('refuses a different request under a used Idempotency-Key with 422, and still answers the identical retry as duplicate', async () => {
    const ctx = context();
    const { url } = await start(ctx);
    await post(url('/greet/a'), 'once', { 'Idempotency-Key': 'k-1' });
    const changed = await post(url('/greet/a'), 'other body', { 'Idempotency-Key': 'k-1' });
    expect(changed.status).toBe(422);
    expect(changed.json.code).toBe(IngressErrorCodes.IDEMPOTENCY_KEY_REUSED);
    const retry = await post(url('/greet/a'), 'once', { 'Idempotency-Key': 'k-1' });
    expect(retry.status).toBe(202);
    expect(retry.json).toEqual({ status: 'duplicate', idempotencyKey: 'k-1' });
    expect(texts(ctx)).toEqual(['a:once']);
  });

  it('tells a different request under a used key apart also after a restart, from checkpointed keys and from the log', async () => {
    const ctx = context();
    const { ingress, url } = await start(ctx);
    await post(url('/greet/a'), 'checkpointed', { 'Idempotency-Key': 'k-1' });
    const checkpoint = ingress.checkpoint();
    await backend.write(checkpoint.ops);
    await ingress.checkpointCommitted(checkpoint.position);
    await post(url('/greet/a'), 'logged', { 'Idempotency-Key': 'k-2' });
    await stop(ingress);

    const restarted = context();
    const again = await start(restarted, checkpoint.position);
    expect(texts(restarted)).toEqual(['a:logged']);
    for (const [key, body] of [['k-1', 'checkpointed'], ['k-2', 'logged']] as const) {
      expect((await post(again.url('/greet/a'), body, { 'Idempotency-Key': key })).json).toEqual({ status: 'duplicate', idempotencyKey: key });
      const changed = await post(again.url('/greet/a'), `${body}!`, { 'Idempotency-Key': key });
      expect([changed.status, changed.json.code]).toEqual([422, IngressErrorCodes.IDEMPOTENCY_KEY_REUSED]);
    }
    expect(texts(restarted)).toEqual(['a:logged']);
  });

  it('accepts one of two concurrent requests with the same Idempotency-Key', async () => {
    const ctx = context();
    const { url } = await start(ctx);
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => post(url('/greet/a'), 'racing', { 'Idempotency-Key': 'same' })),
    );
    expect(replies.map((reply) => reply.status)).toEqual([202, 202, 202, 202]);
    expect(replies.map((reply) => reply.json.status).sort()).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate']);
    expect(texts(ctx)).toEqual(['a:racing']);
  });

  it('accepts one of two pipelined requests with the same Idempotency-Key on one connection', async () => {
    const ctx = context();
    const { ingress } = await start(ctx);
    const one = 'POST /greet/a HTTP/1.1\r\nHost: test\r\nIdempotency-Key: piped\r\nContent-Length: 5\r\n\r\nhello';
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(ingress.address.port, '127.0.0.1', () => socket.write(`${one}${one}`));
      let received = '';
      socket.on('data', (data: Buffer) => {
        received += data.toString('utf8');
        if ((received.match(/"status"/g) ?? []).length === 2) {
          socket.destroy();
          resolve(received);
        }
      });
      socket.on('error', reject);
    });
    expect(raw.match(/HTTP\/1\.1 202/g)).toHaveLength(2);
    expect(raw).toContain('"status":"accepted"');
    expect(raw).toContain('"status":"duplicate"');
    expect(texts(ctx)).toEqual(['a:hello']);
  });

  it('persists idempotency keys through checkpoint operations, restores them, and forgets them after the window', async () => {
    const ctx = context();
    const { ingress, url } = await start(ctx);
    await post(url('/greet/a'), 'once', { 'Idempotency-Key': 'k-1' });
    const checkpoint = ingress.checkpoint();
    expect(checkpoint.ops).toEqual([
      { type: 'put', key: '/greet\u0000a\u0000k-1', value: Buffer.from(`${clock.now} ${createHash('sha256').update('once').digest('base64url')} 1 0`) },
    ]);
    await backend.write(checkpoint.ops);
    await ingress.checkpointCommitted(checkpoint.position);
    expect(ingress.checkpoint().ops).toEqual([]); // committed keys are not written again
    await stop(ingress);

    const restarted = context();
    const again = await start(restarted, checkpoint.position);
    const repeat = await post(again.url('/greet/a'), 'once', { 'Idempotency-Key': 'k-1' });
    expect(repeat.json).toEqual({ status: 'duplicate', idempotencyKey: 'k-1' });
    expect(restarted.enqueued).toEqual([]);

    clock.advance(WINDOW_MS + 1);
    const expired = again.ingress.checkpoint();
    expect(expired.ops).toEqual([{ type: 'del', key: '/greet\u0000a\u0000k-1' }]);
    const late = await post(again.url('/greet/a'), 'once', { 'Idempotency-Key': 'k-1' });
    expect(late.json).toMatchObject({ status: 'accepted' });
  });

  it('gives a request that waits a caller address, and releases its reply only once a checkpoint holding it is committed', async () => {
    const ctx = context();
    const { ingress, url } = await start(ctx);
    let answered: TestHttpReply | undefined;
    const request = post(url('/greet/a'), 'hi', { Prefer: 'wait=5' }).then((reply) => (answered = reply));
    while (ctx.enqueued.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ctx.enqueued[0]?.caller).toEqual({ namespace: 'keyflow.ingress', type: 'test', id: '1' });

    ingress.receiveReply('1', stringValue('hello a'));
    expect(ctx.commitsRequested).toBe(1);
    ingress.receiveReply('1', stringValue('a second answer')); // ignored: the first one stands
    expect(ctx.commitsRequested).toBe(1);
    const checkpoint = ingress.checkpoint();
    expect(checkpoint.ops.map((op) => op.key)).toEqual(['\u0001req/0000000000000001']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBeUndefined(); // the reply is not durable yet
    await backend.write(checkpoint.ops);
    await ingress.checkpointCommitted(checkpoint.position);
    await request;
    expect([answered?.status, answered?.body.toString()]).toEqual([200, 'hello a']);
    await stop(ingress);

    // Restored from the checkpoint's operations: the Location still answers.
    const again = await start(context(), checkpoint.position);
    const polled = await httpSend(again.url('/greet/a/replies/1'), { method: 'GET' });
    expect([polled.status, polled.body.toString()]).toEqual([200, 'hello a']);
    clock.advance(60_000 + 1);
    expect(again.ingress.checkpoint().ops).toEqual([{ type: 'del', key: '\u0001req/0000000000000001' }]);
    expect((await httpSend(again.url('/greet/a/replies/1'), { method: 'GET' })).status).toBe(404);
  });

  it('answers a request still waiting for its reply when the ingress stops: 202 with the Location, once a commit holds it', async () => {
    const ctx = context();
    const { ingress, url } = await start(ctx);
    const waiting = post(url('/greet/a'), 'hi', { Prefer: 'wait=60' });
    while (ctx.enqueued.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopping = stop(ingress);
    // The runtime commits as asked: the ingress is told, and the request is durable.
    while (ctx.commitsRequested === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const checkpoint = ingress.checkpoint();
    await ingress.checkpointCommitted(checkpoint.position);
    const reply = await waiting;
    await stopping;
    expect([reply.status, reply.json.status, reply.headers.location]).toEqual([202, 'pending', '/greet/a/replies/1']);
  });

  it('answers 404 for a path no route matches and 400 for a missing or nested id', async () => {
    const ctx = context();
    const { url } = await start(ctx);
    const unknown = await post(url('/nope/x'), 'x');
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe(IngressErrorCodes.NO_ROUTE);
    expect((await post(url('/greet'), 'x')).status).toBe(404);
    const empty = await post(url('/greet/'), 'x');
    expect(empty.status).toBe(400);
    expect(empty.json.code).toBe(IngressErrorCodes.BAD_REQUEST);
    expect((await post(url('/greet/a/b'), 'x')).json.code).toBe(IngressErrorCodes.BAD_REQUEST);
    expect((await post(url('/greet/%E0%A4%A'), 'x')).json.code).toBe(IngressErrorCodes.BAD_REQUEST);
    expect(ctx.enqueued).toEqual([]);
  });

  it('answers 405 with Allow: POST for other methods', async () => {
    const { url } = await start(context());
    const reply = await httpSend(url('/greet/a'), { method: 'GET' });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('POST');
    expect(reply.json.code).toBe(IngressErrorCodes.BAD_REQUEST);
  });

  it('answers 413 for a body over the limit, declared or streamed', async () => {
    const ctx = context();
    const { url } = await start(ctx, undefined, { maxBodyBytes: 16 });
    const declared = await post(url('/greet/a'), 'x'.repeat(17));
    expect(declared.status).toBe(413);
    expect(declared.json.code).toBe(IngressErrorCodes.BODY_TOO_LARGE);

    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(url('/greet/a'), { method: 'POST', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('x'.repeat(10));
      req.end('y'.repeat(10));
    });
    expect(streamed).toBe(413);
    expect((await post(url('/greet/a'), 'x'.repeat(16))).status).toBe(202);
    expect(ctx.enqueued).toHaveLength(1);
  });

  it('answers 400 KF_INGRESS_BAD_VALUE for a body that is not a value of the route type, logging nothing', async () => {
    const ctx = context();
    const { url } = await start(ctx);
    for (const body of ['abc', '1.5', String(2 ** 31), '']) {
      const reply = await post(url('/count/a'), body);
      expect(reply.status).toBe(400);
      expect(reply.json.code).toBe(IngressErrorCodes.BAD_VALUE);
    }
    expect(ctx.enqueued).toEqual([]);
    expect((await post(url('/count/a'), '-7')).json).toEqual({ status: 'accepted', seq: 1 });
  });

  it('answers 503 with Retry-After while the runtime asks ingresses to pause', async () => {
    const ctx = context();
    const { url } = await start(ctx);
    ctx.paused = true;
    const busy = await post(url('/greet/a'), 'x');
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json.code).toBe(IngressErrorCodes.UNAVAILABLE);
    expect(ctx.enqueued).toEqual([]);
    ctx.paused = false;
    expect((await post(url('/greet/a'), 'x')).status).toBe(202);
  });

  it('refuses to start when a route targets a function no endpoint serves', async () => {
    const ctx = new FakeIngressContext(dir.path, { served: ['test/greeter'], backend });
    const ingress = new HttpIngress(config());
    await expect(ingress.start(ctx, undefined)).rejects.toMatchObject({ code: RuntimeErrorCodes.MODULE_INVALID });
  });

  describe('routes with bearer tokens', () => {
    const TOKEN_A = 'route-token-a-0123456789';
    const TOKEN_B = 'route-token-b-0123456789';
    const AUTH_SOURCE = { file: '/test/module.yaml', line: 9 };
    const greetWith = (auth: NonNullable<HttpIngressConfig['routes'][number]['auth']>): Partial<HttpIngressConfig> => ({
      routes: [
        { path: '/greet', valueType: Types.string.typename, targets: ['test/greeter'], auth },
        { path: '/count', valueType: Types.int.typename, targets: ['test/counter'] },
      ],
    });
    const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
    afterEach(() => {
      delete process.env['KF_TEST_ROUTE_TOKENS'];
    });

    it('answers 401 with a Bearer challenge without one of the tokens, and takes the message with one; other routes stay open', async () => {
      process.env['KF_TEST_ROUTE_TOKENS'] = ` ${TOKEN_A}, ${TOKEN_B} `;
      const ctx = context();
      const { url } = await start(ctx, undefined, greetWith({ tokensEnv: 'KF_TEST_ROUTE_TOKENS', source: AUTH_SOURCE }));
      for (const headers of [{}, bearer('route-token-c-0123456789'), { Authorization: TOKEN_A }]) {
        const refused = await post(url('/greet/a'), 'no', headers);
        expect(refused.status).toBe(401);
        expect(refused.headers['www-authenticate']).toBe('Bearer realm="/greet"');
        expect(refused.json).toMatchObject({ code: IngressErrorCodes.UNAUTHORIZED });
      }
      expect((await post(url('/greet/a'), 'one', bearer(TOKEN_A))).status).toBe(202);
      expect((await post(url('/greet/b'), 'two', bearer(TOKEN_B))).status).toBe(202);
      expect((await httpSend(url('/count/c'), { body: '3', headers: { 'Content-Type': 'text/plain' } })).status).toBe(202);
      expect(texts(ctx).filter((text) => !text.startsWith('c:'))).toEqual(['a:one', 'b:two']);
    });

    it('reads a tokens file again when it changes, so a token rotates without a restart', async () => {
      const file = join(dir.path, 'greet.tokens');
      await writeFile(file, `# greet clients\n${TOKEN_A}\n`);
      const { url } = await start(context(), undefined, greetWith({ tokensFile: file, source: AUTH_SOURCE }));
      expect((await post(url('/greet/a'), 'x', bearer(TOKEN_A))).status).toBe(202);
      expect((await post(url('/greet/a'), 'x', bearer(TOKEN_B))).status).toBe(401);
      await writeFile(file, `${TOKEN_A}\n${TOKEN_B}\n`);
      await eventually(async () => (await post(url('/greet/b'), 'x', bearer(TOKEN_B))).status === 202);
      expect((await post(url('/greet/a'), 'x', bearer(TOKEN_A))).status).toBe(202);
      await writeFile(file, `${TOKEN_B}\n`);
      await eventually(async () => (await post(url('/greet/a'), 'x', bearer(TOKEN_A))).status === 401);
      expect((await post(url('/greet/b'), 'x', bearer(TOKEN_B))).status).toBe(202);
    });

    it('refuses to start, naming the file and line of auth, when the tokens are missing or too short', async () => {
      const startWith = (auth: NonNullable<HttpIngressConfig['routes'][number]['auth']>): Promise<void> =>
        new HttpIngress(config(greetWith(auth))).start(context(), undefined);
      const variable = { tokensEnv: 'KF_TEST_ROUTE_TOKENS', source: AUTH_SOURCE };
      await expect(startWith(variable)).rejects.toMatchObject({ code: IngressErrorCodes.AUTH_TOKENS_INVALID });
      await expect(startWith(variable)).rejects.toThrow('/test/module.yaml:9: route /greet takes its tokens from $KF_TEST_ROUTE_TOKENS, which is not set');
      process.env['KF_TEST_ROUTE_TOKENS'] = ' , ';
      await expect(startWith(variable)).rejects.toThrow('which holds no token');
      process.env['KF_TEST_ROUTE_TOKENS'] = 'short';
      await expect(startWith(variable)).rejects.toThrow('5 characters long');
      const missing = { tokensFile: join(dir.path, 'nowhere.tokens'), source: AUTH_SOURCE };
      await expect(startWith(missing)).rejects.toMatchObject({ code: IngressErrorCodes.AUTH_TOKENS_INVALID });
      await expect(startWith(missing)).rejects.toThrow('which cannot be read');
    });
  });
});

/** Polls `check` until it holds (a file watcher notices a change within about a second). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); ) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
