import { AttemptFailure, type AttemptFailureKind } from './attempt-failure';
import { HttpResponseParser, MAX_HEAD_BYTES, type HttpReply } from './http-response-parser';

const LIMIT = 1_024;

/** What reading `pieces` one after the other gives: the reply and whether the connection is reusable. */
function read(pieces: readonly (string | Buffer)[], { limit = LIMIT, end = false } = {}): { reply: HttpReply; reusable: boolean } | undefined {
  const parser = new HttpResponseParser();
  parser.start(limit);
  let complete = false;
  for (const piece of pieces) {
    complete = parser.push(typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece);
    if (complete) break;
  }
  if (!complete && end) complete = parser.end();
  return complete ? { reply: parser.reply, reusable: parser.reusable } : undefined;
}

/** The failure kind that reading `pieces` throws. */
function failureOf(pieces: readonly string[], options: { limit?: number; end?: boolean } = {}): AttemptFailureKind {
  try {
    read(pieces, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AttemptFailure);
    return (error as AttemptFailure).kind;
  }
  throw new Error('expected the response to be rejected');
}

/** Every way of cutting `text` in two, and byte by byte. */
function splits(text: string): string[][] {
  const cuts = Array.from({ length: text.length - 1 }, (_, at) => [text.slice(0, at + 1), text.slice(at + 1)]);
  return [...cuts, [...text]];
}

const text = (reply: HttpReply | undefined) => reply?.body.toString('latin1');

const FIXED = 'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 5\r\nDate: x\r\n\r\nhello';
const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
  '5\r\nhello\r\n' +
  '7;name=value\r\n, world\r\n' + // a chunk extension, ignored
  '0\r\nX-Trailer: yes\r\n\r\n'; // a trailer field, read past

describe('HttpResponseParser', () => {
  test('reads a Content-Length response: status, reason phrase and body', () => {
    const result = read([FIXED]);
    expect(result?.reply.status).toBe(200);
    expect(result?.reply.statusText).toBe('OK');
    expect(text(result?.reply)).toBe('hello');
    expect(result?.reusable).toBe(true);
  });

  test('hands out a body that arrived in one piece as a view of it, not a copy', () => {
    const chunk = Buffer.from(FIXED, 'latin1');
    const parser = new HttpResponseParser();
    parser.start(LIMIT);
    expect(parser.push(chunk)).toBe(true);
    expect(parser.reply.body.buffer).toBe(chunk.buffer);
  });

  test('reads a Content-Length response however it is cut', () => {
    for (const pieces of splits(FIXED)) expect(text(read(pieces)?.reply)).toBe('hello');
  });

  test('reads a chunked response however it is cut', () => {
    for (const pieces of splits(CHUNKED)) {
      const result = read(pieces);
      expect(text(result?.reply)).toBe('hello, world');
      expect(result?.reusable).toBe(true);
    }
  });

  test('waits for the rest of a body', () => {
    expect(read([FIXED.slice(0, -1)])).toBeUndefined();
    expect(read([CHUNKED.slice(0, -2)])).toBeUndefined();
  });

  test('reads names and values of framing headers in any case, with spaces around values', () => {
    const result = read(['HTTP/1.1 201 Created\r\ncOnTeNt-LeNgTh:   2  \r\nCONNECTION: Keep-Alive\r\n\r\nok']);
    expect(result?.reply.status).toBe(201);
    expect(text(result?.reply)).toBe('ok');
  });

  test('accepts a status line without a reason phrase', () => {
    const result = read(['HTTP/1.1 503\r\nContent-Length: 0\r\n\r\n']);
    expect(result?.reply).toMatchObject({ status: 503, statusText: '' });
  });

  test('reads a body without length or chunks until the connection ends; the connection is done', () => {
    expect(read(['HTTP/1.1 200 OK\r\n\r\nall of ', 'this'])).toBeUndefined();
    const result = read(['HTTP/1.1 200 OK\r\n\r\nall of ', 'this'], { end: true });
    expect(text(result?.reply)).toBe('all of this');
    expect(result?.reusable).toBe(false);
  });

  test('reads a body until the end when Transfer-Encoding does not end in chunked', () => {
    const result = read(['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nabcdef'], { end: true });
    expect(text(result?.reply)).toBe('abcdef');
  });

  test('lets chunked framing win over a Content-Length', () => {
    expect(text(read([CHUNKED.replace('\r\n\r\n', '\r\nContent-Length: 3\r\n\r\n')])?.reply)).toBe('hello, world');
  });

  test.each([204, 304])('reads no body for a %d', (status) => {
    const result = read([`HTTP/1.1 ${status} Nothing\r\nContent-Length: 10\r\n\r\n`]);
    expect(result?.reply.status).toBe(status);
    expect(result?.reply.body).toHaveLength(0);
    expect(result?.reusable).toBe(true);
  });

  test('skips interim 1xx responses and reads the final one', () => {
    const result = read(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n', FIXED]);
    expect(result?.reply.status).toBe(200);
    expect(text(result?.reply)).toBe('hello');
  });

  test.each([
    ['Connection: close on HTTP/1.1', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx', false],
    ['a token list with close', 'HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\nContent-Length: 1\r\n\r\nx', false],
    ['HTTP/1.0 without keep-alive', 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx', false],
    ['HTTP/1.0 with keep-alive', 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx', true],
    ['bytes after the response', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1', false],
  ])('decides whether the connection can be reused: %s', (_name, response, reusable) => {
    expect(read([response])?.reusable).toBe(reusable);
  });

  test('reads one response after another after start()', () => {
    const parser = new HttpResponseParser();
    for (const body of ['one', 'two']) {
      parser.start(LIMIT);
      expect(parser.push(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n${body}`))).toBe(true);
      expect(parser.reply.body.toString()).toBe(body);
    }
  });

  test('rejects a body over the limit as declared, as chunked, and as read until the end, with too-large', () => {
    expect(failureOf(['HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n'], { limit: 10 })).toBe('too-large');
    expect(failureOf(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\n'], { limit: 10 })).toBe('too-large');
    expect(failureOf(['HTTP/1.1 200 OK\r\n\r\nabcdef', 'ghijkl'], { limit: 10 })).toBe('too-large');
    expect(text(read(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcdefghij'], { limit: 10 })?.reply)).toBe('abcdefghij');
  });

  test.each([
    ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
    ['HTTP/2 framing', 'HTTP/2 200\r\n\r\n'],
    ['a status of two digits', 'HTTP/1.1 20 OK\r\n\r\n'],
    ['a status glued to its reason', 'HTTP/1.1 200OK\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nContent-Length 1\r\n\r\nx'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\nContent-Length: 1\r\n\r\nx'],
    ['a Content-Length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a chunk longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n0\r\n\r\n'],
    ['a switch of protocols', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'],
  ])('rejects %s with bad-response', (_name, response) => {
    expect(failureOf([response])).toBe('bad-response');
  });

  test('rejects a head longer than the limit, even before its end arrives', () => {
    const header = `X-Big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n`;
    expect(failureOf([`HTTP/1.1 200 OK\r\n${header}`])).toBe('bad-response');
    expect(failureOf([`HTTP/1.1 200 OK\r\n${header}\r\n`])).toBe('bad-response');
  });

  test('is not complete when the connection ends in the middle of a response', () => {
    expect(read([FIXED.slice(0, 30)], { end: true })).toBeUndefined();
    expect(read([CHUNKED.slice(0, -5)], { end: true })).toBeUndefined();
  });
});
