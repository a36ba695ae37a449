import { SdkErrorCodes, toMillis } from '@keyflow/sdk';
import { expectThrowsCode } from '../test-support/keyflow-errors';

describe('toMillis', () => {
  it.each([
    [0, 0],
    [1500, 1500],
    [1.4, 1],
    ['0ms', 0],
    ['250ms', 250],
    ['1s', 1000],
    ['1.5s', 1500],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    [' 5 s ', 5000],
  ] as const)('converts %j to %d ms', (duration, millis) => {
    expect(toMillis(duration as never)).toBe(millis);
  });

  it.each([-1, Number.NaN, Infinity, '', 's', '10', '-5s', '5w', '5 minutes', '1e3ms', null, undefined, {}])(
    'rejects %j with KF_INVALID_DURATION',
    (duration) => {
      expectThrowsCode(() => toMillis(duration as never), SdkErrorCodes.INVALID_DURATION);
    },
  );
});
