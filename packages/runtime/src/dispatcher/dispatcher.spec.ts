import { KeyflowError } from '@keyflow/sdk';
import { PbExpireMode, type PbFromFunction } from '@keyflow/sdk/protocol';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { dispatcherHarness, type DispatcherHarness } from '../test-support/dispatcher-harness';
import { flushPromises } from '../test-support/flush-promises';
import { address, argumentsOf, egressTo, incompleteContext, intValue, fromFunction, modify, remove, stateOf, stringValue, textOf, valueSpec } from '@keyflow/sdk/test-support';
import { envelope } from '../test-support/envelopes';
import { addressKey } from '../message/address-key';

const COUNTER = 'test/counter';
const SINK = 'test/sink';
const OUT = 'test/out';
const INT = 'io.statefun.types/int';
const STRING = 'io.statefun.types/string';

function harness(overrides: Parameters<typeof dispatcherHarness>[0] = {}): DispatcherHarness {
  return dispatcherHarness({ functions: { [COUNTER]: 1_000, [SINK]: 1_000 }, egresses: [OUT], ...overrides });
}

function send(h: DispatcherHarness, id: string, ...texts: string[]): void {
  for (const text of texts) h.dispatcher.enqueue(envelope(address(COUNTER, id), text));
}

function range(prefix: string, count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${from + index}`);
}

describe('Dispatcher', () => {
  describe('ordering and batching', () => {
    it('sends a burst for one address as one batch, in arrival order, with no caller for outside messages', async () => {
      const h = harness();
      send(h, 'a', 'm1', 'm2', 'm3');
      await h.dispatcher.whenIdle();
      const [request] = h.endpoint(COUNTER).requests;
      expect(h.endpoint(COUNTER).requests).toHaveLength(1);
      expect(request?.target).toEqual(address(COUNTER, 'a'));
      expect(argumentsOf(request!)).toEqual(['m1', 'm2', 'm3']);
      expect(request?.invocations.map((invocation) => invocation.caller)).toEqual([undefined, undefined, undefined]);
      expect(h.dispatcher.stats()).toMatchObject({ queuedMessages: 0, activeAddresses: 0, batches: 1, invocations: 3 });
    });

    it('puts messages that arrive while a batch is in flight into the next batch, exactly those', async () => {
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      endpoint.hold();
      send(h, 'a', 'first');
      await endpoint.waitForCalls(1);
      send(h, 'a', ...range('next', 5));
      await flushPromises();
      expect(endpoint.calls).toHaveLength(1); // one batch in flight per address
      endpoint.release();
      await h.dispatcher.whenIdle();
      expect(endpoint.requests.map(argumentsOf)).toEqual([['first'], range('next', 5)]);
    });

    it('caps a synchronous burst at maxBatchSize: 2500 queued with a cap of 1000 go as 1000, 1000, 500', async () => {
      const h = harness();
      send(h, 'a', ...range('m', 2_500));
      await h.dispatcher.whenIdle();
      const batches = h.endpoint(COUNTER).requests.map(argumentsOf);
      expect(batches.map((batch) => batch.length)).toEqual([1_000, 1_000, 500]);
      expect(batches.flat()).toEqual(range('m', 2_500));
    });

    it('caps the batches that build up behind one in flight: 1, then 1000, 1000, 499', async () => {
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      endpoint.hold();
      send(h, 'a', 'm0');
      await endpoint.waitForCalls(1);
      send(h, 'a', ...range('m', 2_499, 1));
      endpoint.release();
      await h.dispatcher.whenIdle();
      const batches = endpoint.requests.map(argumentsOf);
      expect(batches.map((batch) => batch.length)).toEqual([1, 1_000, 1_000, 499]);
      expect(batches.flat()).toEqual(range('m', 2_500));
    });

    it('never exceeds a small cap and keeps the order', async () => {
      const h = harness({ functions: { [COUNTER]: 3 } });
      const endpoint = h.endpoint(COUNTER);
      endpoint.hold();
      send(h, 'a', ...range('m', 4));
      await endpoint.waitForCalls(1);
      send(h, 'a', ...range('m', 6, 4));
      endpoint.release();
      await h.dispatcher.whenIdle();
      const batches = endpoint.requests.map(argumentsOf);
      expect(batches).toEqual([
        ['m0', 'm1', 'm2'],
        ['m3', 'm4', 'm5'],
        ['m6', 'm7', 'm8'],
        ['m9'],
      ]);
    });

    it('lets addresses progress independently: a slow address does not hold back another', async () => {
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      endpoint.hold((request) => request.target?.id === 'slow');
      send(h, 'slow', 's1');
      send(h, 'fast', 'f1');
      await endpoint.waitForCalls(2);
      send(h, 'fast', 'f2');
      send(h, 'slow', 's2');
      await endpoint.waitForCalls(3);
      await flushPromises();
      const byAddress = (id: string) => endpoint.requests.filter((request) => request.target?.id === id).map(argumentsOf);
      expect(byAddress('fast')).toEqual([['f1'], ['f2']]);
      expect(byAddress('slow')).toEqual([['s1']]);
      expect(h.dispatcher.stats().queuedMessages).toBe(2);

      endpoint.release();
      await h.dispatcher.whenIdle();
      expect(byAddress('slow')).toEqual([['s1'], ['s2']]);
    });
  });

  describe('state', () => {
    it('registers the specs of an IncompleteInvocationContext and retries the same batch with them attached', async () => {
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      const specs = [valueSpec('seen', INT), valueSpec('name', STRING, [PbExpireMode.AFTER_WRITE, 60_000])];
      endpoint.script(incompleteContext(...specs));
      send(h, 'a', 'm1', 'm2');
      await h.dispatcher.whenIdle();

      const [first, retry] = endpoint.requests;
      expect(endpoint.requests).toHaveLength(2);
      expect(first?.state).toEqual([]);
      expect(retry?.target).toEqual(first?.target);
      expect(retry?.invocations).toEqual(first?.invocations);
      expect(retry?.state).toEqual([
        { stateName: 'seen', stateValue: { typename: INT, hasValue: false, value: new Uint8Array(0) } },
        { stateName: 'name', stateValue: { typename: STRING, hasValue: false, value: new Uint8Array(0) } },
      ]);
      expect(h.specs.get(COUNTER)).toEqual(specs);
      expect(h.fatal).toEqual([]);
    });

    it('gives up with KF_STATE_NEGOTIATION_FAILED when a function keeps reporting missing state', async () => {
      const h = harness();
      h.endpoint(COUNTER).respondWith(() => incompleteContext(valueSpec('seen', INT)));
      send(h, 'a', 'm1');
      await flushPromises();
      expect(h.fatal).toHaveLength(1);
      expect(h.fatal[0]).toMatchObject({ code: RuntimeErrorCodes.STATE_NEGOTIATION_FAILED });
      expect(h.endpoint(COUNTER).calls).toHaveLength(5);
    });

    it('makes MODIFY and DELETE mutations visible to the next batch', async () => {
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      h.specs.register(COUNTER, [valueSpec('seen', INT), valueSpec('name', STRING)]);
      endpoint.script(
        fromFunction({ stateMutations: [modify('seen', intValue(1)), modify('name', stringValue('ada'))] }),
        fromFunction({ stateMutations: [remove('seen')] }),
      );
      send(h, 'a', 'first');
      await h.dispatcher.whenIdle();
      send(h, 'a', 'second');
      await h.dispatcher.whenIdle();
      send(h, 'a', 'third');
      await h.dispatcher.whenIdle();

      const [first, second, third] = endpoint.requests.map(stateOf);
      expect(first).toEqual({
        seen: { typename: INT, hasValue: false, value: new Uint8Array(0) },
        name: { typename: STRING, hasValue: false, value: new Uint8Array(0) },
      });
      expect(second).toEqual({ seen: intValue(1), name: stringValue('ada') });
      expect(third).toEqual({ seen: { typename: INT, hasValue: false, value: new Uint8Array(0) }, name: stringValue('ada') });
      expect([...(h.state.peek(addressKey(address(COUNTER, 'a'))) ?? new Map()).keys()]).toEqual(['name']);
      // State of other addresses is separate.
      send(h, 'b', 'other');
      await h.dispatcher.whenIdle();
      expect(stateOf(endpoint.requests[3]!).name?.hasValue).toBe(false);
    });

    it('leaves the state a checkpoint sealed as it was, whatever later responses write', async () => {
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      const key = addressKey(address(COUNTER, 'a'));
      endpoint.script(
        fromFunction({ stateMutations: [modify('seen', intValue(1))] }),
        fromFunction({ stateMutations: [modify('seen', intValue(2))] }),
        fromFunction({ stateMutations: [modify('seen', intValue(3)), modify('name', stringValue('ada'))] }),
      );
      send(h, 'a', 'first');
      await h.dispatcher.whenIdle();
      send(h, 'a', 'second');
      await h.dispatcher.whenIdle();
      const sealed = h.state.seal();
      send(h, 'a', 'third');
      await h.dispatcher.whenIdle();

      const sealedState = sealed.get(key);
      expect([...(sealedState?.keys() ?? [])]).toEqual(['seen']);
      expect(sealedState?.get('seen')?.value).toEqual(intValue(2).value);
      expect([...(h.state.peek(key) ?? new Map()).keys()]).toEqual(['seen', 'name']);
      expect(h.state.peek(key)?.get('seen')?.value).toEqual(intValue(3).value);
    });

    it('withholds and deletes a value whose after-write time to live has passed; invocations do not refresh it', async () => {
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      const key = addressKey(address(COUNTER, 'a'));
      h.specs.register(COUNTER, [valueSpec('token', STRING, [PbExpireMode.AFTER_WRITE, 1_000]), valueSpec('seen', INT)]);
      endpoint.script(fromFunction({ stateMutations: [modify('token', stringValue('abc')), modify('seen', intValue(7))] }));
      send(h, 'a', 'write');
      await h.dispatcher.whenIdle();

      h.clock.advance(999);
      send(h, 'a', 'read-before');
      await h.dispatcher.whenIdle();
      expect(stateOf(endpoint.requests[1]!).token).toEqual(stringValue('abc'));

      h.clock.advance(1);
      send(h, 'a', 'read-after');
      await h.dispatcher.whenIdle();
      expect(stateOf(endpoint.requests[2]!)).toEqual({
        token: { typename: STRING, hasValue: false, value: new Uint8Array(0) },
        seen: intValue(7),
      });
      expect(h.state.peek(key)?.has('token')).toBe(false);
      expect(h.state.peek(key)?.has('seen')).toBe(true);
    });

    it('refreshes an after-invoke value on every invocation and expires it only after a quiet period', async () => {
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      const key = addressKey(address(COUNTER, 'a'));
      const start = h.clock.now;
      h.specs.register(COUNTER, [valueSpec('session', STRING, [PbExpireMode.AFTER_INVOKE, 1_000])]);
      endpoint.script(fromFunction({ stateMutations: [modify('session', stringValue('s-1'))] }));
      send(h, 'a', 'open');
      await h.dispatcher.whenIdle();

      h.clock.advance(800);
      send(h, 'a', 'touch-1');
      await h.dispatcher.whenIdle();
      expect(stateOf(endpoint.requests[1]!).session).toEqual(stringValue('s-1'));
      expect(h.state.peek(key)?.get('session')).toMatchObject({ writtenAt: start, accessedAt: start + 800 });

      h.clock.advance(800); // 1600 ms after the write, 800 after the last invocation
      send(h, 'a', 'touch-2');
      await h.dispatcher.whenIdle();
      expect(stateOf(endpoint.requests[2]!).session).toEqual(stringValue('s-1'));

      h.clock.advance(1_000);
      send(h, 'a', 'late');
      await h.dispatcher.whenIdle();
      expect(stateOf(endpoint.requests[3]!).session).toEqual({ typename: STRING, hasValue: false, value: new Uint8Array(0) });
      expect(h.state.peek(key)).toBeNull();
    });
  });

  describe('effects', () => {
    it('delivers outgoing messages with the sender as caller, and emits egress records', async () => {
      const h = harness();
      const sender = address(COUNTER, 'a');
      h.endpoint(COUNTER).script(
        fromFunction({
          outgoingMessages: [
            { target: address(SINK, 'x'), argument: stringValue('to-x-1') },
            { target: address(SINK, 'x'), argument: stringValue('to-x-2') },
            { target: address(COUNTER, 'a'), argument: stringValue('to-self') },
          ],
          outgoingEgresses: [egressTo(OUT, stringValue('record'))],
        }),
      );
      send(h, 'a', 'go');
      await h.dispatcher.whenIdle();

      const [toSink] = h.endpoint(SINK).requests;
      expect(argumentsOf(toSink!)).toEqual(['to-x-1', 'to-x-2']);
      expect(toSink?.invocations.map((invocation) => invocation.caller)).toEqual([sender, sender]);
      const toSelf = h.endpoint(COUNTER).requests[1]!;
      expect(argumentsOf(toSelf)).toEqual(['to-self']);
      expect(toSelf.invocations[0]?.caller).toEqual(sender);
      expect(h.egress).toEqual([{ egress: OUT, value: stringValue('record') }]);
    });

    it('schedules delayed messages at now + delay, owned by the sender, and cancels them by token', async () => {
      const h = harness();
      const sender = address(COUNTER, 'a');
      const target = address(SINK, 'x');
      const now = h.clock.now;
      h.endpoint(COUNTER).script(
        fromFunction({
          delayedInvocations: [
            { delayInMs: 500, target, argument: stringValue('later'), cancellationToken: 'tok' },
            { delayInMs: 100, target, argument: stringValue('sooner') },
            { delayInMs: -5, target, argument: stringValue('now') },
          ],
        }),
        // Another address cancelling the same token cancels nothing: tokens are per sender.
        fromFunction({ delayedInvocations: [{ isCancellationRequest: true, cancellationToken: 'tok' }] }),
        fromFunction({ delayedInvocations: [{ isCancellationRequest: true, cancellationToken: 'tok' }] }),
      );
      send(h, 'a', 'schedule');
      await h.dispatcher.whenIdle();
      expect(h.timers.pendingMessages().map((message) => ({ ...message, id: 0 }))).toEqual([
        { id: 0, dueAt: now, owner: addressKey(sender), token: '', envelope: { target, argument: stringValue('now'), caller: sender } },
        { id: 0, dueAt: now + 100, owner: addressKey(sender), token: '', envelope: { target, argument: stringValue('sooner'), caller: sender } },
        { id: 0, dueAt: now + 500, owner: addressKey(sender), token: 'tok', envelope: { target, argument: stringValue('later'), caller: sender } },
      ]);

      send(h, 'b', 'cancel');
      await h.dispatcher.whenIdle();
      expect(h.timers.size).toBe(3);

      send(h, 'a', 'cancel');
      await h.dispatcher.whenIdle();
      expect(h.timers.pendingMessages().map((message) => textOf(message.envelope.argument))).toEqual(['now', 'sooner']);
      expect(h.endpoint(SINK).calls).toHaveLength(0); // delayed messages go through the timers, not the mailbox
    });

    const invalidResponses: [string, PbFromFunction, string][] = [
      [
        'a message to a function type no endpoint serves',
        fromFunction({ outgoingMessages: [{ target: address('test/nobody', 'x'), argument: stringValue('lost') }] }),
        RuntimeErrorCodes.NO_ENDPOINT,
      ],
      [
        'a delayed message to a function type no endpoint serves',
        fromFunction({ delayedInvocations: [{ delayInMs: 10, target: address('test/nobody', 'x'), argument: stringValue('lost') }] }),
        RuntimeErrorCodes.NO_ENDPOINT,
      ],
      [
        'a record for an undeclared egress',
        fromFunction({ outgoingEgresses: [egressTo('test/undeclared', stringValue('lost'))] }),
        RuntimeErrorCodes.UNKNOWN_EGRESS,
      ],
      [
        'a cancellation without a token',
        fromFunction({ delayedInvocations: [{ isCancellationRequest: true, cancellationToken: '' }] }),
        RuntimeErrorCodes.ENDPOINT_FAILED,
      ],
    ];

    it.each(invalidResponses)('stops on %s and applies none of that response\'s effects', async (_name, invalid, code) => {
      const h = harness();
      h.specs.register(COUNTER, [valueSpec('seen', INT)]);
      if (invalid.kind !== 'invocationResult') throw new Error('the table holds invocation results');
      // Valid effects first, the invalid one last: validation must precede every effect.
      const response = fromFunction({
        stateMutations: [modify('seen', intValue(1))],
        outgoingMessages: [{ target: address(SINK, 'x'), argument: stringValue('valid') }, ...invalid.result.outgoingMessages.map((message) => ({ target: message.target!, argument: message.argument! }))],
        delayedInvocations: [{ delayInMs: 10, target: address(SINK, 'y'), argument: stringValue('valid') }, ...invalid.result.delayedInvocations],
        outgoingEgresses: [egressTo(OUT, stringValue('valid')), ...invalid.result.outgoingEgresses],
      });
      h.endpoint(COUNTER).script(response);
      send(h, 'a', 'go');
      await flushPromises();

      expect(h.fatal).toHaveLength(1);
      expect(h.fatal[0]).toMatchObject({ code });
      expect(h.dispatcher.failure).toBe(h.fatal[0]);
      expect(h.state.peek(addressKey(address(COUNTER, 'a')))).toBeNull();
      expect(h.state.pendingWrites).toBe(0);
      expect(h.egress).toEqual([]);
      expect(h.timers.size).toBe(0);
      expect(h.timers.takeOps()).toEqual([]);
      expect(h.endpoint(SINK).calls).toHaveLength(0);
      // The failed batch stays in the snapshot, to be re-sent after a restart.
      expect(h.dispatcher.snapshot().map((message) => textOf(message.argument))).toEqual(['go']);
    });

    it('reports an endpoint failure once, with its error, and takes no more messages', async () => {
      const h = harness();
      const failure = new KeyflowError(RuntimeErrorCodes.ENDPOINT_UNREACHABLE, 'injected');
      h.endpoint(COUNTER).respondWith(() => Promise.reject(failure));
      send(h, 'a', 'm1');
      send(h, 'b', 'm1');
      await flushPromises();
      expect(h.fatal).toEqual([failure]);
      send(h, 'c', 'ignored');
      await flushPromises();
      expect(h.endpoint(COUNTER).requests.map((request) => request.target?.id)).toEqual(['a', 'b']);
      expect(h.fatal).toHaveLength(1);
    });

    it('reads an empty FromFunction as a batch without effects, as StateFun does (the official Python SDK sends one)', async () => {
      const h = harness();
      h.endpoint(COUNTER).script({ kind: 'empty' });
      send(h, 'a', 'm1');
      await h.dispatcher.whenIdle();
      send(h, 'a', 'm2');
      await h.dispatcher.whenIdle();
      expect(h.fatal).toEqual([]);
      expect(h.endpoint(COUNTER).requests.map(argumentsOf)).toEqual([['m1'], ['m2']]);
      expect(h.dispatcher.stats()).toMatchObject({ queuedMessages: 0, activeAddresses: 0, batches: 2 });
    });

    it('stops with KF_NO_ENDPOINT when a message from outside targets an unserved function type', async () => {
      const h = harness();
      h.dispatcher.enqueue(envelope(address('test/nobody', 'x'), 'm'));
      await flushPromises();
      expect(h.fatal[0]).toMatchObject({ code: RuntimeErrorCodes.NO_ENDPOINT });
    });
  });

  describe('backpressure', () => {
    it('pauses at maxQueuedMessages (queued plus in flight) and resumes once drained, notifying on transitions only', async () => {
      const h = harness({ maxQueuedMessages: 5 });
      const transitions: boolean[] = [];
      h.dispatcher.onPressureChange((paused) => transitions.push(paused));
      const endpoint = h.endpoint(COUNTER);
      endpoint.hold();
      send(h, 'a', 'm1', 'm2', 'm3', 'm4');
      expect(h.dispatcher.paused).toBe(false);
      send(h, 'b', 'm5');
      expect(h.dispatcher.paused).toBe(true);
      send(h, 'c', 'm6', 'm7');
      expect(transitions).toEqual([true]);

      await endpoint.waitForCalls(3);
      endpoint.release();
      await h.dispatcher.whenIdle();
      expect(h.dispatcher.paused).toBe(false);
      expect(transitions).toEqual([true, false]);
    });

    it('once paused, resumes only when the queue is down to 90 % of the bound, so ingress resumes with a burst', async () => {
      const h = harness({ maxQueuedMessages: 20 });
      const transitions: boolean[] = [];
      h.dispatcher.onPressureChange((paused) => transitions.push(paused));
      const endpoint = h.endpoint(COUNTER);
      endpoint.hold();
      for (let index = 0; index < 20; index++) send(h, `a${index}`, 'm');
      expect(h.dispatcher.paused).toBe(true);
      await endpoint.waitForCalls(20);

      endpoint.calls[0]?.respond();
      await flushPromises();
      expect(h.dispatcher.stats().queuedMessages).toBe(19);
      expect(h.dispatcher.paused).toBe(true);
      endpoint.calls[1]?.respond();
      await flushPromises();
      expect(h.dispatcher.stats().queuedMessages).toBe(18);
      expect(h.dispatcher.paused).toBe(false);
      expect(transitions).toEqual([true, false]);
      endpoint.release();
      await h.dispatcher.whenIdle();
    });

    it('pauses while a mailbox holds more than its maxBatchSize waiting', async () => {
      const h = harness({ functions: { [COUNTER]: 3 } });
      const transitions: boolean[] = [];
      h.dispatcher.onPressureChange((paused) => transitions.push(paused));
      const endpoint = h.endpoint(COUNTER);
      endpoint.hold();
      send(h, 'a', 'first');
      await endpoint.waitForCalls(1);
      send(h, 'a', 'w1', 'w2', 'w3');
      expect(h.dispatcher.paused).toBe(false); // exactly one full batch waiting
      send(h, 'a', 'w4');
      expect(h.dispatcher.paused).toBe(true);
      expect(h.dispatcher.stats().paused).toBe(true);

      endpoint.calls[0]?.respond();
      await endpoint.waitForCalls(2);
      expect(h.dispatcher.paused).toBe(false); // three taken into the next batch, one waiting
      endpoint.release();
      await h.dispatcher.whenIdle();
      expect(transitions).toEqual([true, false]);
    });
  });

  describe('egress backlog', () => {
    it('sends no batch while held for egress, pauses ingress, and goes on in order once released', async () => {
      const h = harness();
      const transitions: boolean[] = [];
      h.dispatcher.onPressureChange((paused) => transitions.push(paused));
      h.endpoint(COUNTER).respondWith(() => fromFunction({ outgoingEgresses: [egressTo(OUT, stringValue('out'))] }));
      send(h, 'a', 'm1');
      await h.dispatcher.whenIdle();
      h.dispatcher.setEgressBacklogged(true);
      expect(h.dispatcher.paused).toBe(true);
      send(h, 'a', 'm2', 'm3');
      send(h, 'b', 'm4');
      await flushPromises();
      expect(h.endpoint(COUNTER).requests).toHaveLength(1);
      expect(h.dispatcher.stats().queuedMessages).toBe(3);

      h.dispatcher.setEgressBacklogged(false);
      expect(h.dispatcher.paused).toBe(false);
      await h.dispatcher.whenIdle();
      expect(h.endpoint(COUNTER).requests.map(argumentsOf)).toEqual([['m1'], ['m2', 'm3'], ['m4']]);
      expect(h.egress).toHaveLength(3);
      expect(transitions).toEqual([true, false]);
    });

    it('stops between the batches of one mailbox as soon as a response fills the backlog', async () => {
      let emitted = 0;
      // Where the first response's egress record fills the backlog, as an EgressRouter at its bound would say.
      const h = dispatcherHarness({
        functions: { [COUNTER]: 1 },
        egressRouter: {
          has: (egress) => egress === OUT,
          emit: () => {
            if (++emitted === 1) h.dispatcher.setEgressBacklogged(true);
          },
        },
      });
      h.endpoint(COUNTER).respondWith(() => fromFunction({ outgoingEgresses: [egressTo(OUT, stringValue('out'))] }));
      send(h, 'a', 'm1', 'm2', 'm3');
      await flushPromises();
      expect(h.endpoint(COUNTER).requests.map(argumentsOf)).toEqual([['m1']]);
      expect(h.dispatcher.egressBacklogged).toBe(true);

      h.dispatcher.setEgressBacklogged(false);
      await h.dispatcher.whenIdle();
      expect(h.endpoint(COUNTER).requests.map(argumentsOf)).toEqual([['m1'], ['m2'], ['m3']]);
    });
  });

  describe('snapshot and idleness', () => {
    it('counts and snapshots only addresses with work, and serves an address again after it ran empty', async () => {
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      for (const id of ['a', 'b', 'c']) send(h, id, `${id}1`);
      await h.dispatcher.whenIdle();
      expect(h.dispatcher.stats()).toMatchObject({ activeAddresses: 0, queuedMessages: 0 });
      expect(h.dispatcher.snapshot()).toEqual([]);

      endpoint.hold();
      send(h, 'a', 'a2', 'a3');
      await endpoint.waitForCalls(4);
      send(h, 'a', 'a4');
      expect(h.dispatcher.stats()).toMatchObject({ activeAddresses: 1, queuedMessages: 3 });
      expect(h.dispatcher.snapshot().map((message) => textOf(message.argument))).toEqual(['a2', 'a3', 'a4']);
      endpoint.release();
      await h.dispatcher.whenIdle();
      expect(endpoint.requests.map(argumentsOf)).toEqual([['a1'], ['b1'], ['c1'], ['a2', 'a3'], ['a4']]);
      expect(h.dispatcher.stats()).toMatchObject({ activeAddresses: 0, batches: 5, invocations: 6 });
    });

    it('snapshots, per address, the batch in flight and then the waiting messages', async () => {
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      endpoint.hold();
      send(h, 'a', 'a1', 'a2');
      send(h, 'b', 'b1');
      await endpoint.waitForCalls(2);
      send(h, 'a', 'a3');
      send(h, 'b', 'b2', 'b3');
      send(h, 'c', 'c1');
      const snapshot = h.dispatcher.snapshot();
      expect(snapshot.map((message) => `${message.target.id}:${textOf(message.argument)}`)).toEqual([
        'a:a1',
        'a:a2',
        'a:a3',
        'b:b1',
        'b:b2',
        'b:b3',
        'c:c1',
      ]);
      endpoint.release();
      await h.dispatcher.whenIdle();
      expect(h.dispatcher.snapshot()).toEqual([]);
    });

    it('no longer holds a batch in its snapshot once that batch\'s effects are applied', async () => {
      // A checkpoint taken right after a response was applied must not carry the batch as
      // well as its effects, or recovery would run the batch twice.
      const h = harness();
      const endpoint = h.endpoint(COUNTER);
      const key = addressKey(address(COUNTER, 'a'));
      h.specs.register(COUNTER, [valueSpec('seen', INT)]);
      endpoint.hold();
      send(h, 'a', 'm1');
      const [call] = await endpoint.waitForCalls(1);
      let observed: { written: boolean; snapshot: string[] } | undefined;
      // Runs right after the dispatcher's own continuation of this reply: effects applied.
      void call!.reply.then(() => {
        observed = {
          written: h.state.peek(key)?.has('seen') === true,
          snapshot: h.dispatcher.snapshot().map((message) => textOf(message.argument)),
        };
      });
      call!.respond(fromFunction({ stateMutations: [modify('seen', intValue(1))] }));
      await h.dispatcher.whenIdle();
      expect(observed).toEqual({ written: true, snapshot: [] });
    });

    it('resolves whenIdle at once when idle, and otherwise after every message, including those sent by responses', async () => {
      const h = harness();
      await expect(h.dispatcher.whenIdle()).resolves.toBeUndefined();
      h.endpoint(COUNTER).respondWith((request) =>
        fromFunction({
          outgoingMessages: [{ target: address(SINK, request.target!.id), argument: stringValue('relay') }],
        }),
      );
      send(h, 'a', 'm1');
      send(h, 'b', 'm1');
      await h.dispatcher.whenIdle();
      expect(h.endpoint(SINK).requests.map((request) => request.target?.id).sort()).toEqual(['a', 'b']);
      expect(h.dispatcher.stats()).toMatchObject({ queuedMessages: 0, activeAddresses: 0, batches: 4, invocations: 4 });
    });
  });
});
