import type { NotificationCardData } from '../cards/card-data';
import { formatDuration, formatTimestamp, runLabel, shortBranch, stateIcon } from '../cards/format';
import type { RunRecord } from '../use-cases/run-record';
import type { RunSummary } from '../devops/devops-port';
import type { RunDecision } from '../use-cases/run-decision';

const STYLE: Record<string, NotificationCardData['style']> = {
  succeeded: 'good',
  partiallySucceeded: 'warning',
  failed: 'attention',
  canceled: 'emphasis',
};

/**
 * The personal "your run finished" message for whoever queued it.
 * @example renderCard('notification', completionNoticeData(run, record, { stateText: 'Succeeded', now }))
 */
export function completionNoticeData(
  run: RunSummary,
  record: Pick<RunRecord, 'pipelineKey' | 'model' | 'queuedAt' | 'retryOf'>,
  extra: { stateText: string; environment?: string; decision?: RunDecision; now: number },
): NotificationCardData {
  // The pipeline's own name, as every card shows it (not the catalog key).
  const what = extra.environment
    ? `Your deploy to ${extra.environment}`
    : `Your ${run.pipelineName || record.pipelineKey} run`;
  // A retry says which run it retried: that run's card says "retried as #N".
  const retry = record.retryOf !== undefined ? ` (retry of #${record.retryOf})` : '';
  const rejected = extra.decision?.status === 'rejected' ? extra.decision : undefined;
  // "Your deploy to Production was rejected by Rita Release": who, in the title; why, in a fact.
  const title = rejected
    ? `${what} was rejected${rejected.by ? ` by ${rejected.by}` : ''}`
    : `${what} ${extra.stateText.toLowerCase()}`;
  const finished = run.finishedDate ? Date.parse(run.finishedDate) : extra.now;
  const started = Date.parse(run.createdDate);
  const facts = [
    { title: 'Result', value: extra.stateText },
    ...(rejected?.reason ? [{ title: 'Reason', value: rejected.reason }] : []),
    ...(extra.environment ? [{ title: 'Environment', value: extra.environment }] : []),
    ...(record.model ? [{ title: 'Model', value: `v${record.model}` }] : []),
    { title: 'Branch', value: shortBranch(run.branch) },
    ...(Number.isNaN(started) || Number.isNaN(finished)
      ? []
      : [{ title: 'Took', value: formatDuration(Math.max(0, finished - started)) }]),
  ];
  return {
    icon: stateIcon('completed', run.result ?? 'succeeded'),
    title,
    style: STYLE[run.result ?? ''] ?? 'default',
    summary: `Run ${runLabel(run.id, run.name)} of ${run.pipelineName}${retry} finished: ${extra.stateText}.`,
    pipelineName: run.pipelineName,
    // The run's one name everywhere: `#134 · 20261129.3`.
    runName: runLabel(run.id, run.name),
    facts,
    hasFacts: facts.length > 0,
    timestamp: formatTimestamp(run.finishedDate ?? extra.now),
    linkTitle: 'Open in Azure DevOps',
    runUrl: run.url,
    hasLink: Boolean(run.url),
  };
}
