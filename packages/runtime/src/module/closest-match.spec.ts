import { closestMatch } from './closest-match';

describe('closestMatch', () => {
  const keys = ['functions', 'urlPathTemplate', 'maxNumBatchRequests', 'transport', 'call', 'connect'];

  it.each([
    ['urlPathTempalte', 'urlPathTemplate'],
    ['cal', 'call'],
    ['Functions', 'functions'],
    ['transprot', 'transport'],
    ['maxNumBatchRequest', 'maxNumBatchRequests'],
  ])('suggests %p for %p', (input, expected) => {
    expect(closestMatch(input, keys)).toBe(expected);
  });

  it('suggests nothing when nothing is close', () => {
    expect(closestMatch('colour', keys)).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
  });
});
