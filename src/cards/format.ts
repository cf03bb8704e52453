import type {
  RunResult,
  RunState,
  RunSummary,
  StageResult,
  StageState,
} from '../devops/devops-port';

/**
 * Display helpers shared by the card data builders. Pure functions of their arguments (the
 * caller passes `now`), so cards render the same in tests and in production.
 */

const ICON_BY_RESULT: Record<RunResult | StageResult, string> = {
  succeeded: '✅',
  partiallySucceeded: '⚠️',
  failed: '❌',
  canceled: '🚫',
  rejected: '🚫',
  skipped: '⏭️',
};

const ICON_BY_STATE: Record<RunState | StageState, string> = {
  queued: '⏸️',
  pending: '⏸️',
  inProgress: '🔄',
  waiting: '⏳',
  canceling: '🛑',
  completed: '✔️',
};

/**
 * One emoji that says at a glance where a run or stage is. A result wins over the state, since
 * Azure DevOps sets it only once the thing is finished.
 * @example stateIcon('completed', 'failed') // '❌'
 * @example stateIcon('waiting') // '⏳'
 */
export function stateIcon(
  state: RunState | StageState,
  result?: RunResult | StageResult | null,
): string {
  if (result) return ICON_BY_RESULT[result];
  return ICON_BY_STATE[state];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A compact duration with at most two units, for elapsed times.
 * @example formatDuration(725_000) // '12m 5s'
 * @example formatDuration(90_061_000) // '1d 1h'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0s';
  const units: [number, string][] = [
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'm'],
    [SECOND, 's'],
  ];
  const parts: string[] = [];
  let rest = Math.floor(ms / SECOND) * SECOND;
  for (const [size, label] of units) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    // Once the leading unit is written, the next one is written even when it is zero
    // ("1h 0m"), so two durations side by side line up.
    if (n > 0 || parts.length === 1) {
      parts.push(`${n}${label}`);
      rest -= n * size;
    }
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

/**
 * How long ago something happened, rounded to one unit.
 * @example formatAge(5 * 60_000) // '5m ago'
 * @example formatAge(10_000) // 'just now'
 */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 45 * SECOND) return 'just now';
  if (ms < HOUR) return `${Math.max(1, Math.round(ms / MINUTE))}m ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)}h ago`;
  return `${Math.floor(ms / DAY)}d ago`;
}

/**
 * A timestamp in UTC, minute precision, the way the cards show it.
 * @example formatTimestamp('2026-11-26T14:03:27Z') // '2026-11-26 14:03 UTC'
 */
export function formatTimestamp(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * When something happened, for lists that stay on screen: the absolute time first (it stays
 * true), then how long ago it was when the list was written. Another day than `now` gets its
 * date instead of the age.
 * @example formatWhen('2026-11-26T14:03:27Z', Date.parse('2026-11-26T14:05:30Z')) // '14:03 UTC (2m ago)'
 * @example formatWhen('2026-11-24T09:00:00Z', Date.parse('2026-11-26T14:05:30Z')) // '2026-11-24 09:00 UTC'
 */
export function formatWhen(at: string | number, now: number): string {
  const stamp = formatTimestamp(at);
  if (!stamp) return '';
  if (stamp.slice(0, 10) !== formatTimestamp(now).slice(0, 10)) return stamp;
  return `${stamp.slice(11)} (${formatAge(now - new Date(at).getTime())})`;
}

/**
 * A duration measured against `now` while it still grows, anchored so it stays true on a card
 * that is not refreshed: '12m 5s as of 14:15 UTC'.
 * @example formatRunning(725_000, Date.parse('2026-11-26T14:15:00Z')) // '12m 5s as of 14:15 UTC'
 */
export function formatRunning(ms: number, now: number): string {
  return `${formatDuration(ms)} as of ${formatTimestamp(now).slice(11)}`;
}

/**
 * `refs/heads/develop` → `develop`; other refs (tags, pull requests) are kept whole.
 * @example shortBranch('refs/heads/feature/x') // 'feature/x'
 */
export function shortBranch(ref: string): string {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}

/**
 * One run's one name on every card and list: its id (what commands take) and its build number
 * (what Azure DevOps shows); either works in `status`, `logs` and the other run commands.
 * @example runLabel(134, '20261129.3') // '#134 · 20261129.3'
 */
export function runLabel(id: number, buildNumber?: string): string {
  return buildNumber && buildNumber !== String(id) ? `#${id} · ${buildNumber}` : `#${id}`;
}

/**
 * What a deploy does to the live model, in words approvers read at a glance. '' when nothing
 * is known to be live (or no model is deployed).
 * @example modelChange('3', '2') // 'v3 → v2, a downgrade'
 * @example modelChange('2', '3') // 'v2 → v3, an upgrade'
 */
export function modelChange(live: string | undefined, next: string | undefined): string {
  if (!live || !next) return '';
  const [a, b] = [Number(live), Number(next)];
  if (live === next) return `v${live} again: the model already live`;
  if (Number.isFinite(a) && Number.isFinite(b)) {
    return b < a ? `v${live} → v${next}, a downgrade` : `v${live} → v${next}, an upgrade`;
  }
  return `v${live} → v${next}`;
}

/**
 * What an environment runs now, in a line: model, since when, by whom, from which run.
 * @example liveDeploymentText(run) // 'v3 · since 2026-11-28 14:02 UTC · by Alex Wilber · run #121 · 20261128.1'
 */
export function liveDeploymentText(
  run: RunSummary | null,
  modelParameter = 'modelVersion',
): string {
  if (!run) return 'nothing deployed yet';
  const model = run.parameters[modelParameter];
  return [
    model ? `v${model}` : shortBranch(run.branch),
    `since ${formatTimestamp(run.finishedDate ?? run.createdDate)}`,
    run.requestedBy ? `by ${run.requestedBy}` : '',
    `run ${runLabel(run.id, run.name)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}
