import type { Socket } from 'node:net';
import { AttemptFailure, failureOfNetworkError } from './attempt-failure';
import { HttpResponseParser, type HttpReply } from './http-response-parser';

/** What a connection tells the request it carries, in this order; then exactly one of the last two. */
export interface ExchangeListener {
  /** The connection is established (TLS handshake included); the request is being sent. */
  connected(): void;
  /** The request is handed to the operating system in full; the response is awaited. */
  sent(): void;
  /** The whole response has arrived. */
  answered(reply: HttpReply): void;
  /** The connection failed or ended before the response was complete. */
  failed(failure: AttemptFailure): void;
}

/** Where a connection reports that it is free for another request, or gone. */
export interface ConnectionOwner {
  /** The response was read and the connection may carry another request. */
  released(connection: HttpConnection): void;
  /** The connection is closed and must not be used again. */
  closed(connection: HttpConnection): void;
}

/**
 * One keep-alive HTTP/1.1 connection of the endpoint's client: carries one request at a time
 * (no pipelining) and reads its response with an {@link HttpResponseParser}. Made by the
 * connection pool from a socket that is connecting; requests may be sent before it is connected.
 */
export class HttpConnection {
  /** When the connection was last released; the pool closes it after its idle time. */
  idleSince = 0;
  readonly #socket: Socket;
  readonly #owner: ConnectionOwner;
  readonly #parser = new HttpResponseParser();
  #connected = false;
  #closed = false;
  #listener: ExchangeListener | undefined;

  /**
   * @param socket a socket that is connecting
   * @param connectEvent the event that says it is ready: `connect`, or `secureConnect` for TLS
   */
  constructor(socket: Socket, connectEvent: 'connect' | 'secureConnect', owner: ConnectionOwner) {
    this.#socket = socket;
    this.#owner = owner;
    socket.setNoDelay(true);
    socket.once(connectEvent, () => {
      this.#connected = true;
      this.#listener?.connected();
    });
    socket.on('data', (chunk: Buffer) => this.#received(chunk));
    socket.on('end', () => this.#ended());
    socket.on('error', (error) => this.#fail(failureOfNetworkError(error)));
    socket.on('close', () => this.#ended());
  }

  /**
   * Sends one request: `head` (request line and headers, up to the blank line) and `body`. The
   * listener hears how it goes; the response body may be at most `maxResponseBytes` long.
   */
  send(head: string, body: Uint8Array, maxResponseBytes: number, listener: ExchangeListener): void {
    if (this.#listener !== undefined || this.#closed) throw new Error('the connection is busy or closed');
    this.#listener = listener;
    this.#parser.start(maxResponseBytes);
    this.#socket.ref();
    if (this.#connected) listener.connected();
    // One buffer, one write: the head and the body leave in a single segment.
    const headLength = head.length;
    const request = Buffer.allocUnsafe(headLength + body.length);
    request.write(head, 0, 'latin1');
    request.set(body, headLength);
    this.#socket.write(request, this.#written);
  }

  /** Closes the connection at once; a request in flight fails with `reason`. */
  destroy(reason: AttemptFailure): void {
    this.#fail(reason);
  }

  /** Keeps the process from waiting for an idle connection, as Node's agent does. */
  idle(): void {
    this.#socket.unref();
  }

  readonly #written = (error?: Error | null): void => {
    // A failed write also emits 'error', which fails the exchange.
    if (error == null && this.#listener !== undefined && this.#parser.reading) this.#listener.sent();
  };

  #received(chunk: Buffer): void {
    const listener = this.#listener;
    if (listener === undefined) {
      // Bytes nobody asked for: the connection is out of step with the server.
      this.#close();
      return;
    }
    let complete: boolean;
    try {
      complete = this.#parser.push(chunk);
    } catch (error) {
      this.#fail(error instanceof AttemptFailure ? error : failureOfNetworkError(error));
      return;
    }
    if (complete) this.#complete(listener);
  }

  #ended(): void {
    const listener = this.#listener;
    if (listener === undefined) this.#close();
    else if (this.#parser.end()) this.#complete(listener);
    else this.#fail(new AttemptFailure('network', 'the connection closed before the response was complete', true));
  }

  #complete(listener: ExchangeListener): void {
    this.#listener = undefined;
    const reply = this.#parser.reply;
    // A server may answer before it has read the whole request; such a connection is not reused.
    if (this.#parser.reusable && !this.#closed && this.#socket.writableLength === 0) this.#owner.released(this);
    else this.#close();
    listener.answered(reply);
  }

  #fail(failure: AttemptFailure): void {
    const listener = this.#listener;
    this.#listener = undefined;
    this.#close();
    listener?.failed(failure);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#owner.closed(this);
  }
}
