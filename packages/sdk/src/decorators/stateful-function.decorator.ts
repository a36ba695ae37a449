import { defineFunctionMetadata } from './function-metadata';

/**
 * Marks a class as a stateful function with the given typename (`<namespace>/<name>`).
 * The class needs an `apply(ctx, msg)` method; its `@ValueSpec` fields are its state.
 * The typename is checked when the class is registered (`createRequestHandler`, `serveHttp`).
 *
 * @example
 * @StatefulFunction('example/greeter')
 * export class Greeter {
 *   @ValueSpec({ type: Types.int }) seen?: number;
 *   apply(ctx: Context<Greeter>, msg: Message) { … }
 * }
 */
export function StatefulFunction(typename: string): ClassDecorator {
  return (target) => {
    defineFunctionMetadata(target, { typename });
  };
}
