// An incremental HTTP/1.1 response reader for the endpoint's own client: status line, the
// three headers that frame a response (Content-Length, Transfer-Encoding, Connection), and a
// body framed by length, by chunks, or by the end of the connection. Interim 1xx responses are
// skipped. Other headers are read past, not kept: a function service's reply needs none.

import { AttemptFailure } from './attempt-failure';

/** A complete HTTP response, whatever its status. */
export interface HttpReply {
  readonly status: number;
  readonly statusText: string;
  readonly body: Buffer;
}

/** The longest status line and header block accepted (Node's own limit is 16 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** The longest chunk-size or trailer line accepted. */
const MAX_LINE_BYTES = 4 * 1024;
/** Chunk sizes of more hex digits would not fit a double exactly; no limit is near them. */
const MAX_CHUNK_SIZE_DIGITS = 12;

const CRLF = Buffer.from('\r\n', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);

// What the reader expects next.
const HEAD = 0;
const FIXED_BODY = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_DATA_END = 4;
const TRAILERS = 5;
const BODY_UNTIL_CLOSE = 6;
const DONE = 7;

/** The headers of one response that decide how its body is framed and the connection's fate. */
interface Framing {
  contentLength: number | undefined;
  chunked: boolean;
  /** Transfer-Encoding present but not ending in chunked: the body runs until the connection ends. */
  otherEncoding: boolean;
  close: boolean;
  keepAlive: boolean;
}

/**
 * Reads one response at a time from the bytes of a connection: {@link start} before each
 * request, then {@link push} every chunk received until it returns true, or {@link end} when the
 * connection ends. Throws an {@link AttemptFailure}: `too-large` past the body limit,
 * `bad-response` when the bytes are not an HTTP/1.1 response.
 *
 * @example
 * parser.start(1024);
 * if (parser.push(chunk)) use(parser.reply, parser.reusable);
 */
export class HttpResponseParser {
  #state = DONE;
  #maxBodyBytes = 0;
  /** Bytes of an unfinished head or line, waiting for the rest. */
  #pending: Buffer | undefined;
  #status = 0;
  #statusText = '';
  /** HTTP/1.1 keeps connections open by default, HTTP/1.0 only when the server says keep-alive. */
  #http11 = false;
  #keepAlive = false;
  /** FIXED_BODY: the body, when it arrives in more than one chunk; and how much of it is filled. */
  #fixedBody: Buffer | undefined;
  #filled = 0;
  #contentLength = 0;
  /** Chunked and until-close bodies: the pieces received, and their total size. */
  #pieces: Buffer[] = [];
  #size = 0;
  /** CHUNK_DATA: bytes left in the current chunk. */
  #chunkLeft = 0;
  #reply: HttpReply | undefined;
  #trailing = false;

  /** Prepares for the next response, whose body may be at most `maxBodyBytes` long. */
  start(maxBodyBytes: number): void {
    this.#state = HEAD;
    this.#maxBodyBytes = maxBodyBytes;
    this.#pending = undefined;
    this.#fixedBody = undefined;
    this.#filled = 0;
    this.#pieces = [];
    this.#size = 0;
    this.#reply = undefined;
    this.#trailing = false;
  }

  /** The response, once {@link push} or {@link end} returned true. */
  get reply(): HttpReply {
    if (this.#reply === undefined) throw new Error('the response is not complete');
    return this.#reply;
  }

  /** Whether the connection may carry another request after this response. */
  get reusable(): boolean {
    return this.#state === DONE && this.#keepAlive && !this.#trailing;
  }

  /** True while a response has been started and not finished. */
  get reading(): boolean {
    return this.#state !== DONE;
  }

  /** Reads `chunk`; true once the response is complete. Bytes after it make it not reusable. */
  push(chunk: Buffer): boolean {
    if (this.#state === DONE) {
      this.#trailing = true;
      return false;
    }
    let data = chunk;
    if (this.#pending !== undefined) {
      data = Buffer.concat([this.#pending, chunk]);
      this.#pending = undefined;
    }
    let pos = 0;
    while (this.#state !== DONE && pos < data.length) pos = this.#step(data, pos);
    if (this.#state === DONE && pos < data.length) this.#trailing = true;
    return this.#state === DONE;
  }

  /** The connection ended: true if that completes the response (a body read until the end). */
  end(): boolean {
    if (this.#state === BODY_UNTIL_CLOSE) {
      this.#finish(this.#joinPieces());
      this.#keepAlive = false;
      return true;
    }
    return false;
  }

  /** Reads from `data` at `pos` in the current state; returns the position after what it read. */
  #step(data: Buffer, pos: number): number {
    switch (this.#state) {
      case HEAD:
        return this.#readHead(data, pos);
      case FIXED_BODY:
        return this.#readFixedBody(data, pos);
      case CHUNK_SIZE:
        return this.#readChunkSize(data, pos);
      case CHUNK_DATA:
        return this.#readChunkData(data, pos);
      case CHUNK_DATA_END:
        return this.#readChunkEnd(data, pos);
      case TRAILERS:
        return this.#readTrailer(data, pos);
      default:
        return this.#readUntilClose(data, pos);
    }
  }

  #readHead(data: Buffer, pos: number): number {
    const end = data.indexOf(HEAD_END, pos);
    if (end < 0) {
      if (data.length - pos > MAX_HEAD_BYTES) throw badResponse(`its head is longer than ${MAX_HEAD_BYTES} bytes`);
      this.#pending = data.subarray(pos);
      return data.length;
    }
    if (end - pos > MAX_HEAD_BYTES) throw badResponse(`its head is longer than ${MAX_HEAD_BYTES} bytes`);
    const lines = data.toString('latin1', pos, end).split('\r\n');
    this.#readStatusLine(lines[0] as string);
    const framing = readFraming(lines);
    const status = this.#status;
    const bodyStart = end + HEAD_END.length;
    if (status >= 100 && status < 200) {
      // 100 Continue, 103 Early Hints: the real response follows. 101 would switch protocols.
      if (status === 101) throw badResponse('it switches protocols (101), which was not asked for');
      return bodyStart;
    }
    this.#keepAlive = (this.#http11 || framing.keepAlive) && !framing.close;
    if (status === 204 || status === 304) {
      this.#finish(EMPTY);
    } else if (framing.chunked) {
      this.#state = CHUNK_SIZE;
    } else if (framing.contentLength !== undefined && !framing.otherEncoding) {
      if (framing.contentLength > this.#maxBodyBytes) throw tooLarge(`declares ${framing.contentLength} bytes`, this.#maxBodyBytes);
      this.#contentLength = framing.contentLength;
      if (framing.contentLength === 0) this.#finish(EMPTY);
      else this.#state = FIXED_BODY;
    } else {
      this.#keepAlive = false;
      this.#state = BODY_UNTIL_CLOSE;
    }
    return bodyStart;
  }

  #readStatusLine(line: string): void {
    // HTTP/1.x SP 3DIGIT [SP reason-phrase]
    const code = line.slice(9, 12);
    const minor = line[7];
    if (!line.startsWith('HTTP/1.') || (minor !== '0' && minor !== '1') || line[8] !== ' ' || !/^[1-9]\d\d$/.test(code)) {
      throw badResponse(`its status line is '${line.slice(0, 80)}'`);
    }
    if (line.length > 12 && line[12] !== ' ') throw badResponse(`its status line is '${line.slice(0, 80)}'`);
    this.#status = Number(code);
    this.#statusText = line.slice(13);
    this.#http11 = minor === '1';
  }

  #readFixedBody(data: Buffer, pos: number): number {
    const available = data.length - pos;
    const length = this.#contentLength;
    if (this.#fixedBody === undefined) {
      // Usually the whole body is in this chunk: a view of it, no copy.
      if (available >= length) {
        this.#finish(data.subarray(pos, pos + length));
        return pos + length;
      }
      this.#fixedBody = Buffer.allocUnsafe(length);
    }
    const take = Math.min(available, length - this.#filled);
    data.copy(this.#fixedBody, this.#filled, pos, pos + take);
    this.#filled += take;
    if (this.#filled === length) this.#finish(this.#fixedBody);
    return pos + take;
  }

  #readChunkSize(data: Buffer, pos: number): number {
    const end = this.#lineEnd(data, pos);
    if (end < 0) return data.length;
    const line = data.toString('latin1', pos, end);
    const semicolon = line.indexOf(';');
    const digits = (semicolon < 0 ? line : line.slice(0, semicolon)).trimEnd();
    if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length > MAX_CHUNK_SIZE_DIGITS) {
      throw badResponse(`a chunk size is '${line.slice(0, 40)}'`);
    }
    const size = parseInt(digits, 16);
    if (size === 0) {
      this.#state = TRAILERS;
    } else {
      if (this.#size + size > this.#maxBodyBytes) throw tooLarge(`reached ${this.#size + size} bytes`, this.#maxBodyBytes);
      this.#chunkLeft = size;
      this.#state = CHUNK_DATA;
    }
    return end + CRLF.length;
  }

  #readChunkData(data: Buffer, pos: number): number {
    const take = Math.min(data.length - pos, this.#chunkLeft);
    this.#pieces.push(data.subarray(pos, pos + take));
    this.#size += take;
    this.#chunkLeft -= take;
    if (this.#chunkLeft === 0) this.#state = CHUNK_DATA_END;
    return pos + take;
  }

  #readChunkEnd(data: Buffer, pos: number): number {
    const end = this.#lineEnd(data, pos);
    if (end < 0) return data.length;
    if (end !== pos) throw badResponse('a chunk is longer than its size says');
    this.#state = CHUNK_SIZE;
    return end + CRLF.length;
  }

  #readTrailer(data: Buffer, pos: number): number {
    const end = this.#lineEnd(data, pos);
    if (end < 0) return data.length;
    // Trailer fields are read past; the empty line ends the response.
    if (end === pos) this.#finish(this.#joinPieces());
    return end + CRLF.length;
  }

  #readUntilClose(data: Buffer, pos: number): number {
    this.#size += data.length - pos;
    if (this.#size > this.#maxBodyBytes) throw tooLarge(`reached ${this.#size} bytes`, this.#maxBodyBytes);
    this.#pieces.push(pos === 0 ? data : data.subarray(pos));
    return data.length;
  }

  /** Where the line starting at `pos` ends (its CR), or -1, keeping the partial line for later. */
  #lineEnd(data: Buffer, pos: number): number {
    const end = data.indexOf(CRLF, pos);
    if (end >= 0 && end - pos <= MAX_LINE_BYTES) return end;
    if (end >= 0 || data.length - pos > MAX_LINE_BYTES) throw badResponse(`a chunk line is longer than ${MAX_LINE_BYTES} bytes`);
    this.#pending = data.subarray(pos);
    return -1;
  }

  #joinPieces(): Buffer {
    const pieces = this.#pieces;
    if (pieces.length === 0) return EMPTY;
    if (pieces.length === 1) return pieces[0] as Buffer;
    return Buffer.concat(pieces, this.#size);
  }

  #finish(body: Buffer): void {
    this.#reply = { status: this.#status, statusText: this.#statusText, body };
    this.#state = DONE;
    this.#pieces = [];
    this.#fixedBody = undefined;
  }
}

/** Reads the framing headers of a head split into lines (the status line first, skipped). */
function readFraming(lines: readonly string[]): Framing {
  const framing: Framing = { contentLength: undefined, chunked: false, otherEncoding: false, close: false, keepAlive: false };
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index] as string;
    const colon = line.indexOf(':');
    if (colon <= 0 || line.charCodeAt(0) <= 0x20) throw badResponse(`a header line is '${line.slice(0, 80)}'`);
    // Only three names matter; their lengths spare lower-casing the others.
    if (colon !== 14 && colon !== 17 && colon !== 10) continue;
    const name = line.slice(0, colon).toLowerCase();
    if (name === 'content-length') {
      const value = line.slice(colon + 1).trim();
      if (!/^\d{1,15}$/.test(value)) throw badResponse(`its Content-Length is '${value.slice(0, 40)}'`);
      const length = Number(value);
      if (framing.contentLength !== undefined && framing.contentLength !== length) {
        throw badResponse('it has two different Content-Length headers');
      }
      framing.contentLength = length;
    } else if (name === 'transfer-encoding') {
      const codings = line.slice(colon + 1).split(',');
      const last = (codings[codings.length - 1] as string).trim().toLowerCase();
      framing.chunked = last === 'chunked';
      framing.otherEncoding = !framing.chunked;
    } else if (name === 'connection') {
      for (const token of line.slice(colon + 1).split(',')) {
        const option = token.trim().toLowerCase();
        if (option === 'close') framing.close = true;
        else if (option === 'keep-alive') framing.keepAlive = true;
      }
    }
  }
  return framing;
}

function badResponse(what: string): AttemptFailure {
  return new AttemptFailure('bad-response', `the response is not valid HTTP/1.1: ${what}`, true);
}

function tooLarge(what: string, limit: number): AttemptFailure {
  return new AttemptFailure(
    'too-large',
    `the response body ${what}, over the limit of ${limit} bytes (transport.payload_max_bytes)`,
    false,
  );
}
