/**
 * The runtime parameter every DigitRE pipeline declares (`type: string`, `default: ''`) so the bot
 * can find a run it may already have queued: the run's templateParameters carry it, and unlike a
 * queue-time variable it needs no "Settable at queue time" box ticked in the pipeline editor.
 */
export const REQUEST_ID_PARAMETER = 'chatopsRequestId';

/** The request id a run was queued with, from its templateParameters (Build or Pipelines API). */
export function requestIdOf(
  templateParameters: Record<string, unknown> | null | undefined,
): string | undefined {
  const v = templateParameters?.[REQUEST_ID_PARAMETER];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
