import type { PbFromFunction, PbInvocationBatchRequest } from '@keyflow/sdk/protocol';
import type { FunctionEndpoint } from '../endpoints/function-endpoint';
import { fromFunction } from '@keyflow/sdk/test-support';

/** Computes the scripted answer to a batch. */
export type Responder = (request: PbInvocationBatchRequest) => PbFromFunction | Promise<PbFromFunction>;

/** One call the dispatcher made. */
export interface EndpointCall {
  readonly request: PbInvocationBatchRequest;
  /** The promise the dispatcher got back. */
  readonly reply: Promise<PbFromFunction>;
  /** True once answered or failed. */
  readonly settled: boolean;
  /** Answers the call: with `answer`, or with the endpoint's scripted answer. */
  respond(answer?: PbFromFunction): void;
  /** Fails the call, as an endpoint that gave up would. */
  fail(error: Error): void;
}

/**
 * A {@link FunctionEndpoint} that records every batch and answers from a script. By default
 * it answers each call at once; {@link hold} keeps calls pending until the test releases them,
 * so that a test can send more messages while a batch is in flight.
 *
 * @example
 * const endpoint = new FakeFunctionEndpoint();
 * endpoint.hold();
 * dispatcher.enqueue(first);
 * const [call] = await endpoint.waitForCalls(1);
 * call.respond(fromFunction({ stateMutations: [modify('seen', intValue(1))] }));
 */
export class FakeFunctionEndpoint implements FunctionEndpoint {
  readonly calls: EndpointCall[] = [];
  closed = false;
  #responder: Responder;
  readonly #script: (PbFromFunction | Error)[] = [];
  #holdWhen: ((request: PbInvocationBatchRequest) => boolean) | undefined;
  readonly #waiters: { count: number; resolve: () => void }[] = [];

  constructor(
    readonly description = 'fake:endpoint',
    responder: Responder = () => fromFunction(),
  ) {
    this.#responder = responder;
  }

  /** Sets how calls are answered from now on (after the scripted answers are used up). */
  respondWith(responder: Responder): void {
    this.#responder = responder;
  }

  /** Answers the next calls with these, in order (an Error fails the call), then the responder. */
  script(...answers: (PbFromFunction | Error)[]): void {
    this.#script.push(...answers);
  }

  /** Keeps later calls (those `when` matches, default all) pending until answered by hand. */
  hold(when: (request: PbInvocationBatchRequest) => boolean = () => true): void {
    this.#holdWhen = when;
  }

  /** Stops holding and answers every pending call with its scripted answer. */
  release(): void {
    this.#holdWhen = undefined;
    for (const call of this.calls) if (!call.settled) call.respond();
  }

  /** The requests received so far, in order. */
  get requests(): PbInvocationBatchRequest[] {
    return this.calls.map((call) => call.request);
  }

  /** Resolves once at least `count` calls were made, with all calls so far. */
  async waitForCalls(count: number): Promise<EndpointCall[]> {
    if (this.calls.length < count) await new Promise<void>((resolve) => this.#waiters.push({ count, resolve }));
    return this.calls;
  }

  invoke(request: PbInvocationBatchRequest): Promise<PbFromFunction> {
    let settled = false;
    let resolveReply!: (answer: PbFromFunction | Promise<PbFromFunction>) => void;
    let rejectReply!: (error: Error) => void;
    const reply = new Promise<PbFromFunction>((resolve, reject) => {
      resolveReply = resolve;
      rejectReply = reject;
    });
    const call: EndpointCall = {
      request,
      reply,
      get settled() {
        return settled;
      },
      respond: (answer) => {
        if (settled) throw new Error('this call was already answered');
        settled = true;
        if (answer !== undefined) return resolveReply(answer);
        const next = this.#script.shift();
        if (next instanceof Error) rejectReply(next);
        else resolveReply(next ?? this.#responder(request));
      },
      fail: (error) => {
        if (settled) throw new Error('this call was already answered');
        settled = true;
        rejectReply(error);
      },
    };
    this.calls.push(call);
    if (!this.#holdWhen?.(request)) call.respond();
    for (let index = this.#waiters.length - 1; index >= 0; index--) {
      const waiter = this.#waiters[index] as { count: number; resolve: () => void };
      if (this.calls.length >= waiter.count) {
        this.#waiters.splice(index, 1);
        waiter.resolve();
      }
    }
    return reply;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
