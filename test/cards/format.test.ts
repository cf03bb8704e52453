import {
  formatAge,
  formatDuration,
  formatRunning,
  formatTimestamp,
  formatWhen,
  shortBranch,
  stateIcon,
} from '../../src/cards/format';

describe('format', () => {
  it.each([
    ['completed', 'succeeded', '✅'],
    ['completed', 'failed', '❌'],
    ['completed', 'skipped', '⏭️'],
    ['completed', 'rejected', '🚫'],
    ['completed', 'canceled', '🚫'],
    ['waiting', undefined, '⏳'],
    ['inProgress', undefined, '🔄'],
    ['pending', undefined, '⏸️'],
  ] as const)('stateIcon(%s, %s) = %s', (state, result, icon) => {
    expect(stateIcon(state, result)).toBe(icon);
  });

  it.each([
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [725_000, '12m 5s'],
    [3_600_000, '1h 0m'],
    [90_061_000, '1d 1h'],
    [-5, '0s'],
    [Number.NaN, '0s'],
  ])('formatDuration(%d) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [10_000, 'just now'],
    [5 * 60_000, '5m ago'],
    [3 * 3_600_000 + 1, '3h ago'],
    [50 * 3_600_000, '2d ago'],
  ])('formatAge(%d) = %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });

  it('formats timestamps in UTC and branches short', () => {
    expect(formatTimestamp('2026-11-26T14:03:27Z')).toBe('2026-11-26 14:03 UTC');
    expect(formatTimestamp('not a date')).toBe('');
    expect(shortBranch('refs/heads/feature/x')).toBe('feature/x');
    expect(shortBranch('refs/pull/12/merge')).toBe('refs/pull/12/merge');
  });

  // Lists and cards stay on screen: "just now" alone goes stale, an absolute time does not.
  it.each([
    ['2026-11-26T14:03:27Z', '2026-11-26T14:05:30Z', '14:03 UTC (2m ago)'],
    ['2026-11-26T14:05:00Z', '2026-11-26T14:05:30Z', '14:05 UTC (just now)'],
    ['2026-11-24T09:00:00Z', '2026-11-26T14:05:30Z', '2026-11-24 09:00 UTC'],
    ['not a date', '2026-11-26T14:05:30Z', ''],
  ])('formatWhen(%s, now %s) = %s', (at, now, text) => {
    expect(formatWhen(at, Date.parse(now))).toBe(text);
  });

  it('a growing duration says when it was measured', () => {
    expect(formatRunning(725_000, Date.parse('2026-11-26T14:15:00Z'))).toBe(
      '12m 5s as of 14:15 UTC',
    );
  });
});
