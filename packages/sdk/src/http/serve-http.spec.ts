import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SdkErrorCodes,
  StatefulFunction,
  Types,
  ValueSpec,
  serveHttp,
  type Context,
  type FunctionHttpServer,
  type Message,
} from '@keyflow/sdk';
import { captureLogger } from '../test-support/capture-logger';
import { errorBody, httpRequest, type HttpReply, type HttpSend } from '../test-support/http-client';
import { fromHex } from '../test-support/hex';
import { unwrapped, wrapped } from '../test-support/typed-values';
import { address, invocationResult, missingValues, toFunction } from '../test-support/wire-messages';

@StatefulFunction('test/counter')
class Counter {
  @ValueSpec({ type: Types.int }) count?: number;

  apply(ctx: Context<Counter>, msg: Message): void {
    ctx.storage.count = (ctx.storage.count ?? 0) + 1;
    ctx.send({ target: { typename: 'test/inbox', id: ctx.self.id }, value: `hello ${msg.asString()}` });
  }
}

@StatefulFunction('test/failing')
class Failing {
  apply(): void {
    throw new Error('the function broke');
  }
}

const MAX_BODY_BYTES = 512;
const counterRequest = (id: string, count = 0) =>
  toFunction({ target: address('test/counter', id), state: { count: wrapped.int(count) }, invocations: [{ argument: wrapped.string(id) }] });

describe('serveHttp over TCP', () => {
  const { logger, records } = captureLogger();
  let server: FunctionHttpServer;
  let port: number;
  let connections = 0;
  const post = (options: HttpSend): Promise<HttpReply> =>
    httpRequest({ host: '127.0.0.1', port, path: '/statefun', ...options });

  beforeAll(async () => {
    server = serveHttp([Counter, Failing], { port: 0, host: '127.0.0.1', logger, maxBodyBytes: MAX_BODY_BYTES });
    port = ((await server.listening) as AddressInfo).port;
    server.server.on('connection', () => connections++);
  });

  afterAll(async () => {
    await server.close();
  });

  it('listens on the port it reports and logs where', () => {
    expect(port).toBeGreaterThan(0);
    expect(records.find((r) => r.msg === 'serving functions')).toMatchObject({ level: 'info', functions: ['Counter', 'Failing'] });
  });

  it('answers a valid request with 200 and the FromFunction bytes as application/octet-stream', async () => {
    const reply = await post({ body: counterRequest('ann', 41) });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/octet-stream');
    expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
    const effects = invocationResult(reply.body);
    expect(unwrapped.int(effects.stateMutations[0]?.stateValue?.value ?? new Uint8Array(0))).toBe(42);
    expect(unwrapped.string(effects.outgoingMessages[0]?.argument?.value ?? new Uint8Array(0))).toBe('hello ann');
  });

  it('answers an IncompleteInvocationContext with 200', async () => {
    const reply = await post({ body: toFunction({ target: address('test/counter', 'ann'), invocations: [{ argument: wrapped.string('x') }] }) });
    expect(reply.status).toBe(200);
    expect(missingValues(reply.body).map((spec) => spec.stateName)).toEqual(['count']);
  });

  it('accepts a chunked body within the limit', async () => {
    const bytes = counterRequest('chunky');
    const reply = await post({ chunks: [bytes.subarray(0, 5), bytes.subarray(5)] });
    expect(reply.status).toBe(200);
    expect(invocationResult(reply.body).outgoingMessages).toHaveLength(1);
  });

  it.each(['GET', 'PUT', 'DELETE'])('answers %s with 405, Allow: POST and a JSON error', async (method) => {
    const reply = await post({ method, ...(method === 'PUT' ? { body: counterRequest('ann') } : {}) });
    expect(reply.status).toBe(405);
    expect(reply.headers['allow']).toBe('POST');
    expect(errorBody(reply).code).toBe(SdkErrorCodes.METHOD_NOT_ALLOWED);
  });

  it('answers a declared Content-Length over maxBodyBytes with 413 and a JSON error', async () => {
    const reply = await post({ body: new Uint8Array(MAX_BODY_BYTES + 1) });
    expect(reply.status).toBe(413);
    expect(errorBody(reply).code).toBe(SdkErrorCodes.BODY_TOO_LARGE);
  });

  it('answers a chunked body that grows over maxBodyBytes with 413 and a JSON error', async () => {
    const chunk = new Uint8Array(200).fill(0x0a);
    const reply = await post({ chunks: [chunk, chunk, chunk, chunk] });
    expect(reply.status).toBe(413);
    expect(errorBody(reply).code).toBe(SdkErrorCodes.BODY_TOO_LARGE);
  });

  it('accepts a body of exactly maxBodyBytes (it is a limit, not a bound)', async () => {
    // Valid protobuf padding: an unknown length-delimited field fills the body up to the limit.
    const request = counterRequest('edge');
    const padding = MAX_BODY_BYTES - request.length - 3;
    const filler = Uint8Array.from([0x7a, 0x80 | (padding & 0x7f), padding >> 7, ...new Uint8Array(padding)]);
    const body = Buffer.concat([request, filler]);
    expect(body.length).toBe(MAX_BODY_BYTES);
    const reply = await post({ body });
    expect(reply.status).toBe(200);
  });

  it('answers malformed protobuf with 400 KF_PROTOCOL_MALFORMED', async () => {
    const reply = await post({ body: fromHex('a2 06 7f 0a') });
    expect(reply.status).toBe(400);
    expect(errorBody(reply).code).toBe(SdkErrorCodes.PROTOCOL_MALFORMED);
  });

  it('answers an unknown function with 400 KF_UNKNOWN_FUNCTION', async () => {
    const reply = await post({ body: toFunction({ target: address('test/nobody', 'x'), invocations: [{ argument: wrapped.string('x') }] }) });
    expect(reply.status).toBe(400);
    expect(errorBody(reply).code).toBe(SdkErrorCodes.UNKNOWN_FUNCTION);
  });

  it('answers a bad address with 400 KF_BAD_REQUEST', async () => {
    const reply = await post({ body: toFunction({ target: { namespace: '', type: 'counter', id: 'x' } }) });
    expect(reply.status).toBe(400);
    expect(errorBody(reply).code).toBe(SdkErrorCodes.BAD_REQUEST);
  });

  it('answers an empty body with 400 KF_BAD_REQUEST', async () => {
    const reply = await post({ body: new Uint8Array(0) });
    expect(reply.status).toBe(400);
    expect(errorBody(reply).code).toBe(SdkErrorCodes.BAD_REQUEST);
  });

  it('answers a throwing function with 500 KF_FUNCTION_FAILED and logs the error with the address', async () => {
    const reply = await post({ body: toFunction({ target: address('test/failing', 'id-7'), invocations: [{ argument: wrapped.string('x') }] }) });
    expect(reply.status).toBe(500);
    expect(errorBody(reply).code).toBe(SdkErrorCodes.FUNCTION_FAILED);
    const logged = records.filter((r) => r.level === 'error' && r['address'] === 'test/failing/id-7');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.['error']).toMatchObject({ code: SdkErrorCodes.FUNCTION_FAILED });
  });

  it('logs client errors as warnings, not errors', async () => {
    const before = records.length;
    await post({ body: fromHex('ff ff') });
    const added = records.slice(before);
    expect(added.map((r) => r.level)).toEqual(['warn']);
    expect(added[0]?.['error']).toMatchObject({ code: SdkErrorCodes.PROTOCOL_MALFORMED });
  });

  it('keeps serving after every kind of bad request, always with a non-empty body', async () => {
    const bad: HttpSend[] = [
      { method: 'GET' },
      { body: new Uint8Array(MAX_BODY_BYTES * 2) },
      { chunks: [new Uint8Array(400), new Uint8Array(400)] },
      { body: fromHex('0f 0f 0f') },
      { body: toFunction({ target: address('test/nobody', 'x') }) },
      { body: toFunction({}) },
      { body: toFunction({ target: address('test/failing', 'x'), invocations: [{ argument: wrapped.string('x') }] }) },
    ];
    for (const [index, options] of bad.entries()) {
      const failed = await post(options);
      expect(failed.status).toBeGreaterThanOrEqual(400);
      expect(failed.body.length).toBeGreaterThan(0);
      const good = await post({ body: counterRequest(`after-${index}`) });
      expect(good.status).toBe(200);
    }
  });

  it('serves several sequential requests over one kept-alive connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = connections;
      const replies: HttpReply[] = [];
      for (let i = 0; i < 5; i++) replies.push(await post({ agent, body: counterRequest(`ka-${i}`, i) }));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(replies.map((r) => r.reusedSocket)).toEqual([false, true, true, true, true]);
      expect(connections - before).toBe(1);
      expect(replies.map((r) => unwrapped.int(invocationResult(r.body).stateMutations[0]?.stateValue?.value ?? new Uint8Array(0)))).toEqual([1, 2, 3, 4, 5]);
    } finally {
      agent.destroy();
    }
  });

  it('keeps the connection alive after a 4xx or 5xx reply', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = connections;
      expect((await post({ agent, body: fromHex('ff') })).status).toBe(400);
      expect((await post({ agent, body: toFunction({ target: address('test/failing', 'x'), invocations: [{ argument: wrapped.string('x') }] }) })).status).toBe(500);
      expect((await post({ agent, method: 'GET' })).status).toBe(405);
      expect((await post({ agent, body: counterRequest('after') })).status).toBe(200);
      expect(connections - before).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('answers concurrent requests for different addresses', async () => {
    const replies = await Promise.all(['a', 'b', 'c', 'd'].map((id) => post({ body: counterRequest(id) })));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(replies.map((r) => unwrapped.string(invocationResult(r.body).outgoingMessages[0]?.argument?.value ?? new Uint8Array(0)))).toEqual([
      'hello a',
      'hello b',
      'hello c',
      'hello d',
    ]);
  });
});

describe('serveHttp over a Unix socket', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'keyflow-sdk-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves requests on socketPath and removes the socket on close', async () => {
    const socketPath = join(directory, 'functions.sock');
    const { logger } = captureLogger();
    const server = serveHttp([Counter], { socketPath, logger });
    try {
      expect(await server.listening).toBe(socketPath);
      const reply = await httpRequest({ socketPath, path: '/', body: counterRequest('unix', 1) });
      expect(reply.status).toBe(200);
      expect(unwrapped.string(invocationResult(reply.body).outgoingMessages[0]?.argument?.value ?? new Uint8Array(0))).toBe('hello unix');
    } finally {
      await server.close();
    }
    expect(existsSync(socketPath)).toBe(false);
  });
});

describe('closing', () => {
  it('resolves close() and stops listening, even with an idle kept-alive connection', async () => {
    const { logger } = captureLogger();
    const server = serveHttp([Counter], { port: 0, host: '127.0.0.1', logger });
    const { port } = (await server.listening) as AddressInfo;
    const agent = new Agent({ keepAlive: true });
    try {
      expect((await httpRequest({ host: '127.0.0.1', port, agent, body: counterRequest('bye') })).status).toBe(200);
      await expect(server.close()).resolves.toBeUndefined();
      expect(server.server.listening).toBe(false);
    } finally {
      agent.destroy();
    }
  });

  it('rejects listening, and logs, when the port is taken', async () => {
    const { logger, records } = captureLogger();
    const first = serveHttp([Counter], { port: 0, host: '127.0.0.1', logger });
    const { port } = (await first.listening) as AddressInfo;
    const second = serveHttp([Counter], { port, host: '127.0.0.1', logger });
    try {
      await expect(second.listening).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(records.some((r) => r.level === 'error' && r.msg === 'could not start the function server')).toBe(true);
    } finally {
      await first.close();
    }
  });
});
