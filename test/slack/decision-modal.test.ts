import {
  DECISION_BLOCK_ID,
  DECISION_CALLBACK_ID,
  DECISION_INPUT_ID,
  decisionModal,
  decisionSubmission,
  type DecisionViewBody,
} from '../../src/slack/decision-modal';
import { modalProblems, SLACK_MODAL_LIMITS } from '../../src/slack/slack-limits';
import { viewSubmissionTurn } from '../../src/slack/to-slack-turn';

const metadata = {
  verb: 'approval.reject',
  value: '{"approvalId":"a1","runId":7,"token":"t0k"}',
  channel: 'C0001',
  messageTs: '1700000000.000100',
};

const submitted = (over: Partial<DecisionViewBody> = {}, typed: string | null = 'not now') => ({
  id: 'V1',
  callback_id: DECISION_CALLBACK_ID,
  private_metadata: JSON.stringify(metadata),
  state: { values: { [DECISION_BLOCK_ID]: { [DECISION_INPUT_ID]: { value: typed } } } },
  ...over,
});

describe('decisionModal: the modal an Approve / Reject click opens', () => {
  it('Reject: title, the run and model, a required reason of at most 500 characters, within Slack limits', () => {
    const view = decisionModal({
      decision: 'reject',
      environment: 'prod',
      runName: '#7 · 20261129.1',
      model: '3',
      metadata,
    });
    expect(modalProblems(view)).toEqual([]);
    expect(view.title).toEqual({ type: 'plain_text', text: 'Reject prod' });
    expect(view.callback_id).toBe(DECISION_CALLBACK_ID);
    expect(JSON.stringify(view.blocks)).toContain('*#7 · 20261129.1* · model v3');
    const input = (view.blocks as Record<string, unknown>[]).find((b) => b.type === 'input')!;
    expect(input).toMatchObject({
      block_id: DECISION_BLOCK_ID,
      optional: false,
      label: { text: 'Reason' },
      element: { type: 'plain_text_input', action_id: DECISION_INPUT_ID, max_length: 500 },
    });
    expect(JSON.parse(view.private_metadata as string)).toEqual(metadata);
  });

  it('Approve: the comment is optional', () => {
    const view = decisionModal({
      decision: 'approve',
      environment: 'prod',
      runName: '#7',
      metadata,
    });
    expect(view.title).toEqual({ type: 'plain_text', text: 'Approve prod' });
    expect(JSON.stringify(view.blocks)).toContain('"optional":true');
    expect(JSON.stringify(view.blocks)).not.toContain('model');
    expect(modalProblems(view)).toEqual([]);
  });

  it('a long environment name is clipped to the 24-character title', () => {
    const view = decisionModal({
      decision: 'approve',
      environment: 'an-environment-with-a-very-long-key',
      runName: '#7',
      metadata,
    });
    const title = (view.title as { text: string }).text;
    expect(title).toHaveLength(SLACK_MODAL_LIMITS.title);
    expect(modalProblems(view)).toEqual([]);
  });
});

describe("modalProblems: each of Slack's modal limits can fail", () => {
  const good = () =>
    decisionModal({ decision: 'reject', environment: 'prod', runName: '#7', metadata });
  it.each([
    [
      'title',
      (v: Record<string, unknown>) => (v.title = { type: 'plain_text', text: 'x'.repeat(25) }),
      /title: 25/,
    ],
    ['no title', (v: Record<string, unknown>) => delete v.title, /title: required/],
    [
      'submit',
      (v: Record<string, unknown>) => (v.submit = { type: 'plain_text', text: 'x'.repeat(25) }),
      /submit: 25/,
    ],
    [
      'no submit with an input',
      (v: Record<string, unknown>) => delete v.submit,
      /submit: required/,
    ],
    [
      'private_metadata',
      (v: Record<string, unknown>) => (v.private_metadata = 'x'.repeat(3001)),
      /private_metadata: 3001/,
    ],
    [
      'input label',
      (v: Record<string, unknown>) =>
        ((v.blocks as Record<string, unknown>[])[1]!.label = {
          type: 'plain_text',
          text: 'x'.repeat(2001),
        }),
      /input 0 label: 2001/,
    ],
    [
      'input max_length',
      (v: Record<string, unknown>) =>
        ((
          (v.blocks as Record<string, unknown>[])[1]!.element as Record<string, unknown>
        ).max_length = 3001),
      /max_length: 3001/,
    ],
    [
      'section text',
      (v: Record<string, unknown>) =>
        ((v.blocks as Record<string, unknown>[])[0]!.text = {
          type: 'mrkdwn',
          text: 'x'.repeat(3001),
        }),
      /section text: 3001/,
    ],
  ])('%s', (_name, spoil, problem) => {
    const view = good();
    spoil(view);
    expect(modalProblems(view).join('\n')).toMatch(problem);
  });
});

describe('decisionSubmission / viewSubmissionTurn: the submitted modal as the click it stands for', () => {
  it('reads the click back with the trimmed text as its comment, deduplicated by the view id', () => {
    const turn = viewSubmissionTurn({
      user: { id: 'U1', name: 'rita' },
      view: submitted({}, '  metrics regressed  '),
    });
    expect(turn).toEqual({
      platform: 'slack',
      kind: 'action',
      deliveryId: 'view.V1',
      actor: { slackUserId: 'U1', name: 'rita' },
      conversation: { id: 'C0001', type: 'channel' },
      actionId: 'approval.reject',
      value: metadata.value,
      messageTs: metadata.messageTs,
      comment: 'metrics regressed',
    });
  });

  it('an empty input is an empty comment', () => {
    expect(decisionSubmission(submitted({}, null))?.text).toBe('');
  });

  it.each([
    ['not JSON', 'nope'],
    ['no verb', JSON.stringify({ value: 'v', channel: 'C1' })],
    [
      'a value that is not text',
      JSON.stringify({ verb: 'approval.reject', value: 1, channel: 'C1' }),
    ],
    ['too long', JSON.stringify({ ...metadata, value: 'x'.repeat(3000) })],
  ])('metadata that is not ours (%s) gives nothing', (_name, private_metadata) => {
    expect(decisionSubmission(submitted({ private_metadata }))).toBeUndefined();
    expect(
      viewSubmissionTurn({ user: { id: 'U1' }, view: submitted({ private_metadata }) }),
    ).toBeUndefined();
  });
});
