import type { SpecReader } from '@keyflow/runtime/kinds';

/**
 * What an ingress does with a record it cannot route (no key, or a target function type that
 * no endpoint serves). A Keyflow addition to StateFun's spec, under `onRoutingFailure`:
 *
 * - `fail` (default, as StateFun): stop consuming with an error naming topic, partition, offset;
 * - `skip`: log the record's coordinates, count it, go on;
 * - `dead-letter`: write the record unchanged to `topic`, with headers saying why, and go on.
 *
 * @example
 * onRoutingFailure:
 *   policy: dead-letter
 *   topic: orders-dead-letter
 */
export type RoutingFailurePolicy =
  | { readonly policy: 'fail' }
  | { readonly policy: 'skip' }
  | { readonly policy: 'dead-letter'; readonly topic: string };

type PolicyName = RoutingFailurePolicy['policy'];

/** Reads `onRoutingFailure` from an ingress spec; `allowed` lists the policies this ingress supports. */
export function readRoutingFailurePolicy(spec: SpecReader, allowed: readonly PolicyName[]): RoutingFailurePolicy {
  const settings = spec.optionalObject('onRoutingFailure');
  if (!settings) return { policy: 'fail' };
  const text = settings.string('policy');
  const policy = allowed.find((name) => name === text);
  if (policy === undefined) {
    if (text !== '') settings.error('policy', `one of ${allowed.map((name) => `'${name}'`).join(', ')}`);
    settings.ignore('topic');
    return { policy: 'fail' };
  }
  if (policy === 'dead-letter') return { policy, topic: settings.string('topic', { expected: 'the dead-letter topic name' }) };
  if (settings.has('topic')) settings.error('topic', "no 'topic' unless policy is 'dead-letter'", 'is set');
  return { policy };
}
