/**
 * Runs `steps` one per event-loop turn, starting `delayMs` after now: loading modules blocks
 * the loop, so a readiness probe or a command that arrived at start-up is answered first and
 * one arriving meanwhile waits for one step at most. A failing step is reported to `onError`;
 * the next one still runs.
 * @example warmUp([warmCards, () => ado.warm()], (err) => logger.error({ err }, 'warm-up failed'));
 */
export function warmUp(
  steps: readonly (() => unknown)[],
  onError: (err: unknown) => void,
  delayMs = 25,
): void {
  const run = (i: number) => {
    const step = steps[i];
    if (!step) return;
    try {
      Promise.resolve(step()).catch(onError);
    } catch (err) {
      onError(err);
    }
    if (i + 1 < steps.length) setImmediate(() => run(i + 1)).unref();
  };
  setTimeout(() => run(0), delayMs).unref();
}
