import { traceParentOf, withTraceParent, type Envelope, type IngressContext, type TracedStep } from '@keyflow/runtime/kinds';

/** The span of one record read from a log: `receive <topic or stream>`, and where it came from. */
export interface RecordSpan {
  readonly name: string;
  readonly attributes: Record<string, string>;
}

/**
 * Hands the messages of one record to the runtime. With tracing on, the record begins a trace
 * (as the sample ratio says) or continues its producer's (a `traceparent` among its headers,
 * whose sampled flag it keeps): the span of its ingress, whose context the messages carry on in
 * place of the producer's. `span` is only asked for when tracing is on.
 */
export function enqueueRecord(context: IngressContext, envelopes: readonly Envelope[], span: () => RecordSpan): void {
  let traced: TracedStep | undefined;
  if (context.tracing.enabled) {
    const { name, attributes } = span();
    // Every message of a record carries the record's headers, its traceparent among them.
    traced = context.tracing.startIngress(name, traceParentOf(envelopes[0]?.headers), attributes, 'consumer');
  }
  for (const envelope of envelopes) {
    context.enqueue(traced === undefined ? envelope : { ...envelope, headers: withTraceParent(envelope.headers, traced.parent) });
  }
  traced?.end();
}
