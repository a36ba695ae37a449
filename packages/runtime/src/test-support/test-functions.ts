// Small stateful functions that the endpoint tests serve with the sdk, and the batches that
// the runtime would send them.

import { StatefulFunction, Types, ValueSpec, type Context, type Message } from '@keyflow/sdk';
import type { PbAddress, PbInvocationBatchRequest } from '@keyflow/sdk/protocol';

/** The namespace of the test functions. */
export const TEST_NAMESPACE = 'test.endpoints';

/** Counts its messages and greets the sender of each in `test.endpoints/inbox`. */
@StatefulFunction('test.endpoints/counter')
export class Counter {
  @ValueSpec({ type: Types.int }) count?: number;

  apply(ctx: Context<Counter>, msg: Message): void {
    ctx.storage.count = (ctx.storage.count ?? 0) + 1;
    ctx.send({
      target: { typename: `${TEST_NAMESPACE}/inbox`, id: ctx.self.id },
      value: `hello ${msg.asString()} #${ctx.storage.count}`,
    });
  }
}

/** Stateless: sends every message back to `test.endpoints/inbox`, unchanged. */
@StatefulFunction('test.endpoints/echo')
export class Echo {
  apply(ctx: Context<Echo>, msg: Message): void {
    ctx.send({ target: { typename: `${TEST_NAMESPACE}/inbox`, id: ctx.self.id }, value: msg.asString() });
  }
}

/** The functions the endpoint tests serve. */
export const TEST_FUNCTIONS = [Counter, Echo];

/** The wire address of a test function instance. */
export function testAddress(functionName: string, id: string): PbAddress {
  return { namespace: TEST_NAMESPACE, type: functionName, id };
}

/** A batch of string messages for `test.endpoints/<functionName>`, with `count` attached for the counter. */
export function testBatch(functionName: string, id: string, messages: readonly string[], count?: number): PbInvocationBatchRequest {
  return {
    target: testAddress(functionName, id),
    state:
      functionName === 'counter'
        ? [
            {
              stateName: 'count',
              stateValue: {
                typename: Types.int.typename,
                hasValue: count !== undefined,
                value: count === undefined ? new Uint8Array(0) : Types.int.serialize(count),
              },
            },
          ]
        : [],
    invocations: messages.map((text) => ({
      caller: undefined,
      argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(text) },
    })),
  };
}
