import { defineFunctionMetadata } from './function-metadata';

/**
 * Marks a class as a stateful function with the given typename (`<namespace>/<name>`).
 * The class needs an `apply(ctx, msg)` method; its `@ValueSpec` fields are its state.
 * The typename is checked when the class is registered (`createRequestHandler`, `serveHttp`).
 * Works with standard decorators and with `"experimentalDecorators": true`.
 *
 * @example
 * @StatefulFunction('example/greeter')
 * export class Greeter {
 *   @ValueSpec({ type: Types.int }) seen?: number;
 *   apply(ctx: Context<Greeter>, msg: Message) { … }
 * }
 */
export function StatefulFunction(
  typename: string,
): <C extends abstract new (...args: never[]) => unknown>(target: C, context?: ClassDecoratorContext<C>) => void {
  // Both kinds pass the class first; standard decorators add a context, which is not needed here.
  return (target) => {
    defineFunctionMetadata(target, { typename });
  };
}
