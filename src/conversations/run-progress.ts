import { createHash } from 'node:crypto';
import type { RunStatusCardData } from '../cards/card-data';
import type { RunSummary, StageState } from '../devops/devops-port';

const RUN_RANK = { queued: 0, inProgress: 1, canceling: 2, completed: 3 } as const;
// A stage waits for its approval before it runs.
const STAGE_RANK: Record<StageState, number> = {
  pending: 0,
  waiting: 1,
  inProgress: 2,
  completed: 3,
};

/**
 * A number that only grows as a run moves on: run state first, then how far its stages got.
 * A card showing a higher number is never replaced by a lower one (an out-of-order event, a
 * stale read), so a card never goes backwards.
 * @example runProgress({ ...run, state: 'completed' }) > runProgress({ ...run, state: 'inProgress' })
 */
export function runProgress(run: Pick<RunSummary, 'state' | 'stages'>): number {
  const stages = run.stages ?? [];
  return RUN_RANK[run.state] * 10_000 + stages.reduce((n, s) => n + STAGE_RANK[s.state], 0);
}

/**
 * `progress:hash` of what the card shows, without the ticking clocks (elapsed times), so an
 * event that changes nothing visible does not cost a Teams update.
 */
export function cardStateHash(progress: number, data: RunStatusCardData): string {
  const visible = {
    s: data.displayState,
    r: data.result,
    st: data.stages.map((s) => [s.name, s.stateText]),
    l: data.logLines,
    a: data.canApprove,
  };
  const hash = createHash('sha1').update(JSON.stringify(visible)).digest('base64url').slice(0, 16);
  return `${progress}:${hash}`;
}

/** The progress part of a stored `lastStateHash`; -1 when there is none. */
export function progressOfHash(hash: string | undefined): number {
  const n = Number((hash ?? '').split(':')[0]);
  return hash && Number.isFinite(n) ? n : -1;
}
