import { warmUp } from '../../src/startup/warm-up';

describe('warmUp', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the steps in order, one per event-loop turn, after the delay, and goes on after a failure', async () => {
    const order: string[] = [];
    const errors: string[] = [];
    warmUp(
      [
        () => order.push('a'),
        () => {
          throw new Error('boom');
        },
        () => Promise.reject(new Error('async boom')),
        () => order.push('d'),
      ],
      (err) => errors.push((err as Error).message),
      20,
    );
    jest.advanceTimersByTime(19);
    expect(order).toEqual([]);
    jest.advanceTimersToNextTimer(); // the delay
    expect(order).toEqual(['a']); // one step per turn: the next waits for its own
    jest.advanceTimersToNextTimer();
    expect(errors).toEqual(['boom']);
    expect(order).toEqual(['a']);
    jest.advanceTimersToNextTimer();
    jest.advanceTimersToNextTimer();
    await Promise.resolve();
    expect(order).toEqual(['a', 'd']);
    expect(errors).toEqual(['boom', 'async boom']);
    expect(jest.getTimerCount()).toBe(0);
  });
});
