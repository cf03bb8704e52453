import { approvalCardData, MAX_REFRESH_USER_IDS } from '../../src/cards/approval-card-data';
import { APPROVAL_FIXTURES } from '../support/approval-fixtures';
import { FIXTURE_NOW } from '../support/run-fixtures';

describe('approvalCardData', () => {
  const extra = { now: FIXTURE_NOW, approverUserIds: ['29:a', '29:b'] };

  it('maps a pending ApprovalSummary for an approver', () => {
    const a = APPROVAL_FIXTURES.pending;
    const data = approvalCardData(a, { ...extra, view: 'approver', runName: '20261126.3' });
    expect(data).toMatchObject({
      view: 'approver',
      isApprover: true,
      isViewer: false,
      isDecided: false,
      statusText: 'Waiting for approval',
      pipelineName: a.pipelineName,
      runName: '#4203 · 20261126.3',
      runId: a.runId,
      stageName: 'Deploy Production',
      environment: 'Production',
      waiting: '12m 0s as of 14:30 UTC',
      approvers: 'DevOps Lead, Release Manager',
      hasInstructions: true,
      approveData: { approvalId: a.id, runId: a.runId },
      rejectData: { approvalId: a.id, runId: a.runId },
      hasRefresh: true,
      refreshUserIds: ['29:a', '29:b'],
      refreshData: { approvalId: a.id, runId: a.runId },
    });
  });

  it('defaults to the viewer view, and a decision overrides any view', () => {
    expect(approvalCardData(APPROVAL_FIXTURES.pending, extra).view).toBe('viewer');
    const done = approvalCardData(APPROVAL_FIXTURES.rejected, { ...extra, view: 'approver' });
    expect(done).toMatchObject({
      view: 'decided',
      isApprover: false,
      isDecided: true,
      statusText: 'Rejected',
      decidedBy: 'Release Manager',
      decidedAt: '2026-11-26 14:29 UTC',
      comment: 'Evaluation metrics regressed; retrain first.',
      hasComment: true,
      hasRefresh: false,
      refreshUserIds: [],
      waiting: '',
    });
  });

  it(`caps refresh.userIds at ${MAX_REFRESH_USER_IDS}, keeping the order given`, () => {
    const ids = Array.from({ length: 75 }, (_, i) => `29:u${i}`);
    const data = approvalCardData(APPROVAL_FIXTURES.pending, {
      now: FIXTURE_NOW,
      approverUserIds: ids,
    });
    expect(data.refreshUserIds).toEqual(ids.slice(0, 60));
  });

  it('without approver ids there is no refresh at all', () => {
    const data = approvalCardData(APPROVAL_FIXTURES.pending, { now: FIXTURE_NOW });
    expect(data.hasRefresh).toBe(false);
  });
});

describe('approvalCardData: who decided', () => {
  const base = APPROVAL_FIXTURES.approved;
  it('names the person when the bot recorded the decision for them', () => {
    const d = approvalCardData(
      {
        ...base,
        status: 'approved',
        decidedBy: 'DigitRE ChatOps',
        comment: 'Approved by Rita Release via Teams: ship it',
      },
      { now: Date.now() },
    );
    expect(d.decidedBy).toBe('Rita Release (through DigitRE ChatOps)');
    // The card says who decided; the comment is the person's own words only.
    expect(d.comment).toBe('ship it');
  });
  it('a decision recorded without a comment shows none', () => {
    const d = approvalCardData(
      {
        ...base,
        status: 'rejected',
        decidedBy: 'DigitRE ChatOps',
        comment: 'Rejected by Rita Release via Slack',
      },
      { now: Date.now() },
    );
    expect(d.decidedBy).toBe('Rita Release (through DigitRE ChatOps)');
    expect(d.hasComment).toBe(false);
  });
  it('keeps Azure DevOps’ own approver when the person acted as themselves', () => {
    const d = approvalCardData(
      { ...base, status: 'approved', decidedBy: 'Rita Release', comment: 'ship it' },
      { now: Date.now() },
    );
    expect(d.decidedBy).toBe('Rita Release');
  });
});
