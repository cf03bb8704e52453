import type { RunRecord } from '../../src/use-cases/run-record';
import type { ApprovalSummary, RunSummary } from '../../src/devops/devops-port';
import { approvalCardReply } from '../../src/commands/approval-card-reply';
import { catalog } from '../notifications/notification-fixtures';

const now = Date.parse('2026-11-26T10:30:00Z');

const pending: ApprovalSummary = {
  id: 'ap-1',
  runId: 143,
  pipelineId: 7,
  pipelineKey: 'prod',
  pipelineName: '[Manual]-[Prod]-deployment',
  status: 'pending',
  instructions: '',
  createdOn: '2026-11-26T10:00:00Z',
  approvers: [{ id: 'rita', displayName: 'Rita Release' }],
  environment: 'prod',
};

const run = {
  id: 143,
  name: '20261126.3',
  pipelineId: 7,
  pipelineKey: 'prod',
  pipelineName: '[Manual]-[Prod]-deployment',
  state: 'inProgress',
  branch: 'refs/heads/main',
  parameters: { modelVersion: '3' },
  createdDate: '2026-11-26T10:00:00Z',
  url: 'https://dev.azure.com/digitre/ml/_build/results?buildId=143',
  tags: [],
} satisfies RunSummary;

const record: RunRecord = {
  runId: 143,
  pipelineKey: 'prod',
  environment: 'prod',
  model: '3',
  change: 'v2 → v3, an upgrade',
  branch: 'main',
  parameters: { modelVersion: '3' },
  requestedBy: { id: 'alex', name: 'Alex Wilber', teamsId: '29:alex' },
  conversationId: 'a:personal-alex',
  queuedAt: now,
};

describe('approvalCardReply', () => {
  it('the decided card keeps every fact the pending card showed', () => {
    const before = approvalCardReply(pending, { catalog, now, record, run });
    const decided = { ...pending, status: 'approved' as const, decidedBy: 'Rita Release' };
    const after = approvalCardReply(decided, { catalog, now, record, run });
    expect(after.card).toBe('approval');
    expect(after.runId).toBe(143);
    const pick = (r: typeof before) => {
      const d = r.data as unknown as Record<string, unknown>;
      return [d.runName, d.modelVersion, d.change, d.requestedBy, d.environment, d.runUrl];
    };
    expect(pick(after)).toEqual(pick(before));
    expect(pick(after)).toEqual([
      '#143 · 20261126.3',
      'v3',
      'v2 → v3, an upgrade',
      'Alex Wilber',
      'Production',
      run.url,
    ]);
  });

  it('names the stage as the catalog does (Deploy Production), not its YAML key', () => {
    const reply = approvalCardReply({ ...pending, stageName: 'Deploy_Prod' }, { catalog, now });
    expect((reply.data as unknown as Record<string, unknown>).stageName).toBe('Deploy Production');
    const unknown = approvalCardReply({ ...pending, stageName: 'Hotfix_Stage' }, { catalog, now });
    expect((unknown.data as unknown as Record<string, unknown>).stageName).toBe('Hotfix_Stage');
  });

  it('without the run, the record still says which model (a click reads no run)', () => {
    const reply = approvalCardReply(pending, { catalog, now, record });
    expect((reply.data as unknown as Record<string, unknown>).modelVersion).toBe('v3');
  });
});
