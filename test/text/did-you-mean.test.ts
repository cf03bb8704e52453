import fc from 'fast-check';
import { didYouMean, editDistance } from '../../src/text/did-you-mean';

describe('editDistance', () => {
  it.each([
    ['help', 'help', 0],
    ['hlep', 'help', 2],
    ['hepl', 'help', 2],
    ['stauts', 'status', 2],
    ['', 'abc', 3],
    ['deploy', 'deplyo', 2],
    ['kitten', 'sitting', 3],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('is symmetric and bounded by the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('didYouMean', () => {
  const commands = [
    'help',
    'deploy',
    'status',
    'approve',
    'reject',
    'runs',
    'run',
    'locks',
    'lock',
  ];
  it.each([
    ['hlep', 'help'],
    ['delpoy', 'deploy'],
    ['stats', 'status'],
    ['aprove', 'approve'],
    ['rejct', 'reject'],
    ['stat', 'status'],
  ])('%s suggests %s first', (typed, expected) => {
    expect(didYouMean(typed, commands)[0]).toBe(expected);
  });

  it('suggests nothing for unrelated words', () => {
    expect(didYouMean('banana', commands)).toEqual([]);
    expect(didYouMean('', commands)).toEqual([]);
  });

  it('returns at most the limit, best first', () => {
    expect(didYouMean('rn', commands, 2).length).toBeLessThanOrEqual(2);
  });
});
