import type { ApprovalSummary, RunSummary } from '../devops/devops-port';
import type { DashboardCardData, DashboardPipelineRow, TextColor } from './card-data';
import {
  formatDuration,
  formatTimestamp,
  formatWhen,
  liveDeploymentText,
  runLabel,
  stateIcon,
} from './format';
import { runDisplayState, STATE_TEXT } from './run-card-data';

/** An environment lock as the dashboard shows it. */
export interface DashboardLock {
  environment: string;
  lockedBy: string;
  reason: string;
  /** ISO time or epoch ms. */
  since: string | number;
}

export interface DashboardInput {
  now: number;
  title?: string;
  /** Catalog pipelines in catalog order, each with its newest run (null when never run). */
  pipelines: { key: string; name: string; latest: RunSummary | null }[];
  pendingApprovals: ApprovalSummary[];
  locks: DashboardLock[];
  /**
   * Environments in catalog order with their newest succeeded deploy (null: nothing deployed
   * yet). A failed, rejected or canceled deploy changed nothing, so it is not what is live.
   */
  environments?: { name: string; live: RunSummary | null }[];
  /** The template parameter that carries the model version. Default `modelVersion`. */
  modelParameter?: string;
  /**
   * The DEV environment: its newest successful deploy and how long it lives. Omit to hide the
   * section (catalogs without an ephemeral environment).
   */
  dev?: { lastDeploy: RunSummary | null; ttlHours: number; cleanupPipelineName?: string };
}

function pipelineRow(p: DashboardInput['pipelines'][number], now: number): DashboardPipelineRow {
  const run = p.latest;
  if (!run) {
    return {
      icon: '➖',
      key: p.key,
      name: p.name,
      result: 'Never run',
      runName: '',
      age: '',
      requestedBy: '',
      runUrl: '',
      hasUrl: false,
    };
  }
  const state = runDisplayState(run);
  const icon =
    state === 'rejected' ? stateIcon('completed', 'rejected') : stateIcon(run.state, run.result);
  return {
    icon: state === 'waiting' ? stateIcon('waiting') : icon,
    key: p.key,
    name: p.name,
    result: STATE_TEXT[state] ?? state,
    runName: runLabel(run.id, run.name),
    age: formatWhen(run.finishedDate ?? run.createdDate, now),
    requestedBy: run.requestedBy ?? '',
    runUrl: run.url,
    hasUrl: run.url.length > 0,
  };
}

/** The schema's default name of the model parameter, for callers that pass none. */
const DEFAULT_MODEL_PARAMETER = 'modelVersion';

function devSection(
  dev: NonNullable<DashboardInput['dev']>,
  now: number,
  modelParameter: string,
): Pick<DashboardCardData, 'devText' | 'devDetail' | 'devColor'> {
  const run = dev.lastDeploy;
  const deployedAt = run ? Date.parse(run.finishedDate ?? run.createdDate) : NaN;
  if (!run || Number.isNaN(deployedAt)) {
    return { devText: 'No DEV environment deployed.', devDetail: '', devColor: 'default' };
  }
  const ttlMs = dev.ttlHours * 3_600_000;
  const age = now - deployedAt;
  const left = ttlMs - age;
  const cleanup = dev.cleanupPipelineName ? ` by ${dev.cleanupPipelineName}` : '';
  const model = run.parameters[modelParameter];
  const detail = `Run ${runLabel(run.id, run.name)}${model ? `, model v${model}` : ''}, deployed ${formatTimestamp(deployedAt)}.`;
  let devColor: TextColor = 'good';
  let devText: string;
  if (left <= 0) {
    devColor = 'attention';
    devText = `Deployed ${formatDuration(age)} ago: past its ${dev.ttlHours} h life, due for deletion${cleanup}.`;
  } else {
    // The last quarter of its life is when people should know it is about to go.
    if (left < ttlMs / 4) devColor = 'warning';
    devText = `Deployed ${formatDuration(age)} ago; deleted in about ${formatDuration(left)}${cleanup} (${dev.ttlHours} h life).`;
  }
  return { devText, devDetail: detail, devColor };
}

/**
 * The `status` card's data from what the handler fetched.
 * @example
 *   renderCard('dashboard', dashboardCardData({ now, pipelines, pendingApprovals, locks, dev }))
 */
export function dashboardCardData(input: DashboardInput): DashboardCardData {
  const pipelines = input.pipelines.map((p) => pipelineRow(p, input.now));
  const runs = new Map<number, RunSummary>();
  for (const p of input.pipelines) if (p.latest) runs.set(p.latest.id, p.latest);
  const approvals = input.pendingApprovals.map((a) => {
    const run = runs.get(a.runId);
    const by = run?.requestedBy ? ` · started by ${run.requestedBy}` : '';
    const where = [a.environment, a.stageName].filter(Boolean).join(' · ');
    return {
      title: where || a.pipelineName,
      detail: `${a.pipelineName} · run ${runLabel(a.runId, run?.name)}${by}`,
      waiting: `since ${formatWhen(a.createdOn, input.now)}`,
    };
  });
  const locks = input.locks.map((l) => ({
    environment: l.environment,
    lockedBy: l.lockedBy,
    reason: l.reason || 'no reason given',
    age: `since ${formatWhen(l.since, input.now)}`,
  }));
  const dev = input.dev
    ? devSection(input.dev, input.now, input.modelParameter ?? DEFAULT_MODEL_PARAMETER)
    : { devText: '', devDetail: '', devColor: 'default' as const };
  const live = (input.environments ?? []).map((e) => ({
    title: e.name,
    value: liveDeploymentText(e.live, input.modelParameter ?? DEFAULT_MODEL_PARAMETER),
  }));
  return {
    title: input.title ?? 'DigitRE pipelines',
    asOf: formatTimestamp(input.now),
    live,
    hasLive: live.length > 0,
    pipelines,
    hasPipelines: pipelines.length > 0,
    approvals,
    hasApprovals: approvals.length > 0,
    locks,
    hasLocks: locks.length > 0,
    hasDev: Boolean(input.dev),
    ...dev,
  };
}
