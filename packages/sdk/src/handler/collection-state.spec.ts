// List and map state through the request handler, bytes in and bytes out: the layout on the wire,
// the specs a runtime is asked for, and atomicity with the batch's other effects.
import {
  type KeyflowError,
  ListSpec,
  MapSpec,
  SdkErrorCodes,
  StatefulFunction,
  Types,
  ValueSpec,
  jsonType,
  type Context,
  type ListState,
  type MapState,
  type Message,
} from '@keyflow/sdk';
import {
  LIST_STATE_TYPENAME,
  MAP_STATE_TYPENAME,
  PbExpireMode,
  PbMutationType,
  type PbInvocationResponse,
  type PbTypedValue,
} from '@keyflow/sdk/protocol';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ListStateValueSchema, MapStateValueSchema } from '../generated/io/keyflow/sdk/collection-state_pb';
import { expectRejectsCode } from '../test-support/keyflow-errors';
import { effectsOf, invoke, missingSpecsOf } from '../test-support/run-function';
import { wrapped } from '../test-support/typed-values';
import { address } from '../test-support/wire-messages';

interface Line {
  readonly sku: string;
  readonly quantity: number;
}
const LineType = jsonType<Line>('example/CartLine');
const SELF = address('test/cart', 'c1');
const DAY = 86_400_000;

@StatefulFunction('test/cart')
class Cart {
  @MapSpec({ value: LineType, expireAfterWrite: '30d' }) lines?: MapState<Line>;
  @ListSpec({ type: Types.string, maxLength: 3, expireAfterCall: '1d' }) history?: ListState<string>;
  @ValueSpec({ type: Types.int }) version?: number;

  async apply(ctx: Context<Cart>, msg: Message): Promise<void> {
    const [command, sku = ''] = msg.asString().split(' ');
    const { lines, history } = ctx.storage;
    if (command === 'add') {
      const line = await lines.get(sku);
      lines.set(sku, { sku, quantity: (line?.quantity ?? 0) + 1 });
    } else if (command === 'remove') {
      lines.delete(sku);
    } else if (command === 'fail') {
      lines.set('poison', { sku: 'poison', quantity: 1 });
      history.append('poisoned');
      ctx.send({ target: ctx.self, value: 'never' });
      throw new Error('the function gave up');
    } else if (command === 'assign') {
      (ctx.storage as Record<string, unknown>)['lines'] = new Map();
    }
    history.append(`${command} ${sku}`.trim());
    ctx.storage.version = (ctx.storage.version ?? 0) + 1;
    ctx.send({ target: { typename: 'test/audit', id: ctx.self.id }, value: `${await lines.size()} lines` });
  }
}

/** A map state value as the reference (protobuf-es) writes it. */
function referenceMap(entries: Record<string, [Line, number]>): PbTypedValue {
  const message = create(MapStateValueSchema, {
    valueTypename: LineType.typename,
    entries: Object.entries(entries).map(([key, [line, expires]]) => ({ key, value: LineType.serialize(line), expiresAtMillis: BigInt(expires) })),
  });
  return { typename: MAP_STATE_TYPENAME, hasValue: true, value: toBinary(MapStateValueSchema, message) };
}

function referenceList(elements: string[]): PbTypedValue {
  const message = create(ListStateValueSchema, { elementTypename: Types.string.typename, elements: elements.map((e) => Types.string.serialize(e)) });
  return { typename: LIST_STATE_TYPENAME, hasValue: true, value: toBinary(ListStateValueSchema, message) };
}

function mutationsOf(effects: PbInvocationResponse) {
  return Object.fromEntries(effects.stateMutations.map((m) => [m.stateName, m]));
}

function mapIn(effects: PbInvocationResponse): Record<string, [number, number]> {
  const mutation = mutationsOf(effects)['lines'];
  expect(mutation?.mutationType).toBe(PbMutationType.MODIFY);
  expect(mutation?.stateValue?.typename).toBe(MAP_STATE_TYPENAME);
  const decoded = fromBinary(MapStateValueSchema, mutation?.stateValue?.value ?? new Uint8Array(0));
  expect(decoded.valueTypename).toBe(LineType.typename);
  return Object.fromEntries(decoded.entries.map((e) => [e.key, [LineType.deserialize(e.value).quantity, Number(e.expiresAtMillis)]]));
}

function listIn(effects: PbInvocationResponse): string[] {
  const mutation = mutationsOf(effects)['history'];
  expect(mutation?.stateValue?.typename).toBe(LIST_STATE_TYPENAME);
  const decoded = fromBinary(ListStateValueSchema, mutation?.stateValue?.value ?? new Uint8Array(0));
  expect(decoded.elementTypename).toBe(Types.string.typename);
  return decoded.elements.map((bytes) => Types.string.deserialize(bytes));
}

const say = (text: string) => ({ argument: wrapped.string(text) });

describe('list and map state through the handler', () => {
  it('asks a runtime that lacks them for one PersistedValue each, of a Keyflow typename, with its expiry', async () => {
    expect(await missingSpecsOf([Cart], { target: SELF, invocations: [say('add a')] })).toEqual([
      { stateName: 'version', typeTypename: Types.int.typename, expirationSpec: undefined },
      { stateName: 'lines', typeTypename: MAP_STATE_TYPENAME, expirationSpec: { mode: PbExpireMode.AFTER_WRITE, expireAfterMillis: 30 * DAY } },
      { stateName: 'history', typeTypename: LIST_STATE_TYPENAME, expirationSpec: { mode: PbExpireMode.AFTER_INVOKE, expireAfterMillis: DAY } },
    ]);
  });

  it('reads the collections the reference wrote and writes each back as one value the reference reads', async () => {
    const farFuture = Date.now() + 10 * DAY;
    const before = Date.now();
    const effects = await effectsOf([Cart], {
      target: SELF,
      state: {
        lines: referenceMap({ a: [{ sku: 'a', quantity: 2 }, farFuture], c: [{ sku: 'c', quantity: 1 }, farFuture], gone: [{ sku: 'gone', quantity: 5 }, before - 1] }),
        history: undefined,
        version: wrapped.int(4),
      },
      invocations: [say('add a'), say('add b'), say('remove c')],
    });
    const after = Date.now();
    const lines = mapIn(effects);
    expect(Object.keys(lines)).toEqual(['a', 'b']); // the expired entry is dropped on write
    expect(lines['a']?.[0]).toBe(3);
    expect(lines['b']?.[0]).toBe(1);
    expect(lines['b']?.[1]).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(lines['b']?.[1]).toBeLessThanOrEqual(after + 30 * DAY);
    expect(listIn(effects)).toEqual(['add a', 'add b', 'remove c']);
    expect(mutationsOf(effects)['version']?.stateValue).toEqual(wrapped.int(7));
    expect(effects.outgoingMessages.map((m) => m.argument)).toEqual([wrapped.string('2 lines'), wrapped.string('3 lines'), wrapped.string('2 lines')]);
  });

  it('a batch that throws changes nothing: no state, no messages, even from the invocations before', async () => {
    const error = await expectRejectsCode(
      invoke([Cart], { target: SELF, state: { lines: undefined, history: undefined, version: undefined }, invocations: [say('add a'), say('fail')] }),
      SdkErrorCodes.FUNCTION_FAILED,
    );
    expect((error.cause as Error).message).toBe('the function gave up');
  });

  it('an append past maxLength fails the batch with KF_LIST_TOO_LONG as its cause', async () => {
    const error = await expectRejectsCode(
      invoke([Cart], { target: SELF, state: { lines: undefined, history: referenceList(['x', 'y', 'z']), version: undefined }, invocations: [say('add a')] }),
      SdkErrorCodes.FUNCTION_FAILED,
    );
    expect((error.cause as KeyflowError).code).toBe(SdkErrorCodes.LIST_TOO_LONG);
  });

  it('an assignment to a collection field fails the function with KF_INVALID_STATE_ACCESS', async () => {
    const error = await expectRejectsCode(
      invoke([Cart], { target: SELF, state: { lines: undefined, history: undefined, version: undefined }, invocations: [say('assign')] }),
      SdkErrorCodes.FUNCTION_FAILED,
    );
    expect((error.cause as KeyflowError).code).toBe(SdkErrorCodes.INVALID_STATE_ACCESS);
  });

  it('writes the other effects with the collection changes, and nothing for collections left alone', async () => {
    @StatefulFunction('test/cart')
    class Reader {
      @MapSpec({ value: LineType }) lines?: MapState<Line>;
      @ListSpec({ type: Types.string }) history?: ListState<string>;
      apply(ctx: Context<Reader>): Promise<void> | void {
        if (ctx.storage.history.length > 5) ctx.storage.history.clear();
      }
    }
    const effects = await effectsOf([Reader], {
      target: SELF,
      state: { lines: referenceMap({ a: [{ sku: 'a', quantity: 1 }, 0] }), history: referenceList(['1', '2']) },
      invocations: [say('x')],
    });
    expect(effects.stateMutations).toEqual([]);
  });

  it('deletes a collection that ends up empty', async () => {
    const effects = await effectsOf([Cart], {
      target: SELF,
      state: { lines: referenceMap({ c: [{ sku: 'c', quantity: 1 }, 0] }), history: undefined, version: undefined },
      invocations: [say('remove c')],
    });
    expect(mutationsOf(effects)['lines']).toEqual({ mutationType: PbMutationType.DELETE, stateName: 'lines', stateValue: undefined });
    expect(listIn(effects)).toEqual(['remove c']);
    expect(effects.outgoingMessages).toHaveLength(1);
  });
});
