import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import {
  DEFAULT_MAX_BODY_BYTES,
  KeyflowError,
  SdkErrorCodes,
  createHttpRequestListener,
  type HttpListenerOptions,
  type RequestHandler,
} from '@keyflow/sdk';
import { captureLogger } from '../test-support/capture-logger';
import { errorBody, httpRequest, type HttpReply, type HttpSend } from '../test-support/http-client';
import { hex } from '../test-support/hex';
import { wrapped } from '../test-support/typed-values';
import { address, toFunction } from '../test-support/wire-messages';

/** Mounts the listener on a fresh server on 127.0.0.1, runs `body`, then closes the server. */
async function withListener(
  handler: RequestHandler,
  options: HttpListenerOptions,
  body: (post: (send: HttpSend) => Promise<HttpReply>, server: Server) => Promise<void>,
): Promise<void> {
  const server = createServer(createHttpRequestListener(handler, options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await body((send) => httpRequest({ host: '127.0.0.1', port, ...send }), server);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const echo: RequestHandler = async (bytes) => Uint8Array.from(bytes).reverse();

describe('createHttpRequestListener', () => {
  it('logs a client that disconnects in the middle of its body as debug, not as an error', async () => {
    const { logger, records } = captureLogger();
    const server = createServer(createHttpRequestListener(echo, { logger }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write('POST /statefun HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      for (let waited = 0; waited < 2_000 && !records.some((r) => r.msg === 'client disconnected before the answer'); waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(records.map((record) => [record.level, record.msg])).toEqual([['debug', 'client disconnected before the answer']]);
  });

  it('passes the exact body bytes to the handler and answers its bytes with 200', async () => {
    const received: string[] = [];
    const handler: RequestHandler = async (bytes) => {
      received.push(hex(bytes));
      return echo(bytes);
    };
    await withListener(handler, {}, async (post) => {
      const reply = await post({ chunks: [Uint8Array.of(1, 2), Uint8Array.of(3), Uint8Array.of(4, 5, 6)] });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/octet-stream');
      expect(hex(reply.body)).toBe('060504030201');
    });
    expect(received).toEqual(['010203040506']);
  });

  it('defaults to a 32 MiB body limit', () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(32 * 1024 * 1024);
  });

  it('answers a body over the limit with 413 while the client is still streaming it', async () => {
    const calls: number[] = [];
    const handler: RequestHandler = async (bytes) => {
      calls.push(bytes.length);
      return bytes;
    };
    await withListener(handler, { maxBodyBytes: 100 }, async (_post, server) => {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        let sent = 0;
        const sendMore = (): void => {
          if (req.destroyed || sent >= 20) {
            req.end();
            return;
          }
          sent++;
          req.write(new Uint8Array(40), () => setImmediate(sendMore));
        };
        sendMore();
      });
      expect(status).toBe(413);
    });
    expect(calls).toEqual([]);
  });

  it('accepts a body of exactly the limit', async () => {
    await withListener(echo, { maxBodyBytes: 8 }, async (post) => {
      expect((await post({ body: new Uint8Array(8) })).status).toBe(200);
      expect((await post({ body: new Uint8Array(9) })).status).toBe(413);
    });
  });

  it.each([
    [SdkErrorCodes.PROTOCOL_MALFORMED, 400],
    [SdkErrorCodes.BAD_REQUEST, 400],
    [SdkErrorCodes.UNKNOWN_FUNCTION, 400],
    [SdkErrorCodes.FUNCTION_FAILED, 500],
    [SdkErrorCodes.SERIALIZATION_FAILED, 500],
  ])('answers a handler error %s with %d and the code in a JSON body', async (code, status) => {
    const failing: RequestHandler = async () => {
      throw new KeyflowError(code, 'it went wrong');
    };
    await withListener(failing, {}, async (post) => {
      const reply = await post({ body: Uint8Array.of(1) });
      expect(reply.status).toBe(status);
      expect(errorBody(reply)).toEqual({ code, message: expect.any(String) as unknown });
    });
  });

  it('answers an unexpected error with 500 KF_INTERNAL, and logs it with the target address', async () => {
    const { logger, records } = captureLogger();
    const broken: RequestHandler = async () => {
      throw new TypeError('not a KeyflowError');
    };
    const body = toFunction({ target: address('test/fn', 'who'), invocations: [{ argument: wrapped.string('x') }] });
    await withListener(broken, { logger }, async (post) => {
      const reply = await post({ body });
      expect(reply.status).toBe(500);
      expect(errorBody(reply).code).toBe('KF_INTERNAL');
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'error', address: 'test/fn/who', error: { message: 'not a KeyflowError' } });
  });

  it('logs a server error without an address when the body names none', async () => {
    const { logger, records } = captureLogger();
    const broken: RequestHandler = async () => {
      throw new Error('down');
    };
    await withListener(broken, { logger }, async (post) => {
      expect((await post({ body: Uint8Array.of(0xff) })).status).toBe(500);
    });
    expect(records).toHaveLength(1);
    expect(records[0]?.level).toBe('error');
    expect(records[0]?.['address']).toBeUndefined();
  });

  it('logs nothing by default', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const broken: RequestHandler = async () => {
        throw new Error('quiet');
      };
      await withListener(broken, {}, async (post) => {
        expect((await post({ body: Uint8Array.of(1) })).status).toBe(500);
      });
    } finally {
      spy.mockRestore();
    }
    expect(writes.filter((line) => line.includes('quiet'))).toEqual([]);
  });

  it('answers HEAD with 405 and Allow: POST', async () => {
    await withListener(echo, {}, async (post) => {
      const reply = await post({ method: 'HEAD' });
      expect(reply.status).toBe(405);
      expect(reply.headers['allow']).toBe('POST');
    });
  });

  it('answers any path: the request names its target', async () => {
    await withListener(echo, {}, async (post) => {
      expect((await post({ path: '/statefun', body: Uint8Array.of(1) })).status).toBe(200);
      expect((await post({ path: '/a/b/c?x=1', body: Uint8Array.of(1) })).status).toBe(200);
    });
  });
});
