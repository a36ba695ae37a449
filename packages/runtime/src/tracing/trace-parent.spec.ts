import { formatTraceParent, parseTraceParent, traceParentOf, withTraceParent } from './trace-parent';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

describe('traceparent', () => {
  it('reads a version-00 value with its sampled flag', () => {
    expect(parseTraceParent(`00-${TRACE}-${SPAN}-01`)).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true });
    expect(parseTraceParent(`00-${TRACE}-${SPAN}-00`)).toEqual({ traceId: TRACE, spanId: SPAN, sampled: false });
    expect(parseTraceParent(`00-${TRACE}-${SPAN}-03`)?.sampled).toBe(true);
  });

  it('takes upper-case hex and surrounding spaces, and gives the ids in lower case', () => {
    expect(parseTraceParent(`  00-${TRACE.toUpperCase()}-${SPAN.toUpperCase()}-01 `)).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true });
  });

  it.each([
    ['another version', `01-${TRACE}-${SPAN}-01`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['a character that is not hex', `00-${TRACE.slice(0, 31)}g-${SPAN}-01`],
    ['a control character', `00-${TRACE.slice(0, 31)}\u0010-${SPAN}-01`],
    ['a missing dash', `00-${TRACE}${SPAN}-01-`],
    ['the all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['the all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['nothing', ''],
  ])('refuses %s', (_, text) => {
    expect(parseTraceParent(text)).toBeUndefined();
  });

  it('round-trips through message headers, replacing an earlier traceparent and keeping the others', () => {
    const headers = withTraceParent([{ key: 'traceparent', value: Buffer.from('old') }, { key: 'other', value: null }], { traceId: TRACE, spanId: SPAN, sampled: true });
    expect(headers.map((header) => header.key)).toEqual(['other', 'traceparent']);
    expect(traceParentOf(headers)).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true });
    expect(formatTraceParent({ traceId: TRACE, spanId: SPAN, sampled: false })).toBe(`00-${TRACE}-${SPAN}-00`);
  });
});
