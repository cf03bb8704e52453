import { RUN_FIXTURE_STATES } from '../support/run-fixtures';
import { CARD_VERBS } from '../../src/cards/card-verbs';
import { renderCard } from '../../src/cards/render-card';
import { allObjects, buttonVerbs, visibleText } from './card-walk';
import { FIXTURE_CASES as cases, renderFixture as render } from './render-fixture';

describe('run-status buttons fit the state', () => {
  const expected: Record<string, string[]> = {
    queued: [CARD_VERBS.cancelRun],
    running: [CARD_VERBS.cancelRun],
    waiting: [CARD_VERBS.approve, CARD_VERBS.reject, CARD_VERBS.cancelRun],
    succeeded: [],
    failed: [CARD_VERBS.retryRun],
    canceled: [],
    rejected: [],
  };

  it.each(RUN_FIXTURE_STATES.map((s) => [s]))('%s', (state) => {
    const card = render('run-status', state);
    expect(buttonVerbs(card)).toEqual(expected[state]);
    const links = (card.actions ?? []).filter(
      (a) => (a as { type: string }).type === 'Action.OpenUrl',
    );
    expect(links).toHaveLength(1);
    expect(visibleText(card)).toContain('[Manual]-[Prod]-deployment');
    expect(visibleText(card)).toContain('Deploy Production');
    // Retry only after a failure; Approve/Reject only while waiting.
    expect(buttonVerbs(card).includes(CARD_VERBS.retryRun)).toBe(state === 'failed');
    expect(buttonVerbs(card).includes(CARD_VERBS.approve)).toBe(state === 'waiting');
    const hasComment = allObjects(card).some((o) => o['type'] === 'Input.Text');
    expect(hasComment).toBe(state === 'waiting');
  });

  it('shows the failing task log in monospace only when failed', () => {
    const failed = render('run-status', 'failed');
    const mono = allObjects(failed).filter((o) => o['fontType'] === 'Monospace');
    expect(mono.map((o) => o['text'])).toContain(
      '2026-11-26T14:27:02Z ##[error]Script failed with exit code: 1',
    );
    expect(visibleText(failed)).toContain('Failed task: Deploy endpoint (stage Deploy_Prod)');
    // The `${MODEL_REGISTRY}` from the log survives as text without looking like a binding.
    expect(visibleText(failed)).toMatch(/\$\u200B\{MODEL_REGISTRY\}/);
    for (const state of RUN_FIXTURE_STATES.filter((s) => s !== 'failed')) {
      const card = render('run-status', state);
      expect(allObjects(card).filter((o) => o['fontType'] === 'Monospace')).toEqual([]);
    }
  });

  it('reads at a glance: header icon and colour per state', () => {
    const header = (state: string): Record<string, unknown> =>
      (render('run-status', state).body ?? [])[0] as Record<string, unknown>;
    expect(header('failed')['style']).toBe('attention');
    expect(header('succeeded')['style']).toBe('good');
    expect(header('waiting')['style']).toBe('warning');
    expect(visibleText(render('run-status', 'failed'))).toContain('❌');
    expect(visibleText(render('run-status', 'succeeded'))).toContain('✅');
    expect(visibleText(render('run-status', 'waiting'))).toContain('⏳');
    expect(visibleText(render('run-status', 'running'))).toContain('🔄');
    expect(visibleText(render('run-status', 'rejected'))).toContain('🚫');
  });
});

describe('approval card views', () => {
  it('approver: comment box, Approve and Reject, refresh for the approvers', () => {
    const card = render('approval', 'pending-approver');
    expect(buttonVerbs(card)).toEqual([CARD_VERBS.approve, CARD_VERBS.reject]);
    expect(allObjects(card).some((o) => o['type'] === 'Input.Text' && o['id'] === 'comment')).toBe(
      true,
    );
    expect(visibleText(card)).toContain("Check the QA results and the model's evaluation metrics");
    expect(card.refresh?.userIds).toEqual(['29:1a-devops-lead', '29:1b-release-manager']);
    expect(card.refresh?.action.verb).toBe(CARD_VERBS.refresh);
  });

  it('viewer: no buttons, says who can approve, still refreshes for approvers', () => {
    const card = render('approval', 'pending-viewer');
    expect(buttonVerbs(card)).toEqual([]);
    expect(allObjects(card).some((o) => o['type'] === 'Input.Text')).toBe(false);
    expect(visibleText(card)).toContain('Approvers: DevOps Lead, Release Manager');
    expect(card.refresh?.userIds).toEqual(['29:1a-devops-lead', '29:1b-release-manager']);
  });

  it.each([
    ['approved', '✅ Approved by Release Manager', 'QA green'],
    ['rejected', '🚫 Rejected by Release Manager', 'Evaluation metrics regressed'],
  ])('%s: who, when and the comment; no buttons, no refresh', (fixture, who, comment) => {
    const card = render('approval', fixture);
    expect(buttonVerbs(card)).toEqual([]);
    expect(card.refresh).toBeUndefined();
    expect(visibleText(card)).toContain(who);
    expect(visibleText(card)).toContain(comment);
    expect(visibleText(card)).toContain('2026-11-26 14:29 UTC');
  });
});

describe('confirm card states', () => {
  it('pending: buttons for the requester only, refresh for the requester', () => {
    const mine = render('confirm', 'pending-requester');
    const theirs = render('confirm', 'pending-viewer');
    expect(buttonVerbs(mine)).toEqual([CARD_VERBS.confirm, CARD_VERBS.decline]);
    expect(buttonVerbs(theirs)).toEqual([]);
    expect(visibleText(theirs)).toContain('Waiting for Alex Wilber to confirm.');
    for (const card of [mine, theirs]) {
      expect(card.refresh?.userIds).toEqual(['29:1c-alex-wilber']);
      expect(visibleText(card)).toMatch(/Confirm by \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      expect(visibleText(card)).not.toContain('Expires in');
    }
  });

  it.each([
    ['confirmed', 'Confirmed by Alex Wilber'],
    ['cancelled', 'Canceled by Alex Wilber'],
    ['expired', 'nothing was run'],
  ])('%s: final text, no buttons, no refresh', (fixture, text) => {
    const card = render('confirm', fixture);
    expect(buttonVerbs(card)).toEqual([]);
    expect(card.refresh).toBeUndefined();
    expect(visibleText(card)).toContain(text);
  });
});

describe('other cards show their data', () => {
  it('dashboard: pipelines, approvals, locks, DEV age', () => {
    const text = visibleText(render('dashboard', 'busy'));
    expect(text).toContain('[ML]-Train-Evaluate-Register');
    expect(text).toContain('❌ Failed');
    expect(text).toContain('Never run');
    expect(text).toContain('Production · Deploy Production');
    expect(text).toContain('QA: regression testing v3');
    expect(text).toMatch(/Deployed 20h 0m ago; deleted in about 4h 0m/);
    const quiet = visibleText(render('dashboard', 'quiet'));
    expect(quiet).toContain('None waiting.');
    expect(quiet).toContain('No environment is locked.');
    expect(quiet).toContain('No DEV environment deployed.');
  });

  it('list: header row from columns, one row per item, empty text otherwise', () => {
    const card = render('list', 'models');
    const rows = allObjects(card).filter((o) => o['type'] === 'TableRow');
    expect(rows).toHaveLength(3);
    expect(visibleText(card)).toContain('Registered');
    expect(visibleText(card)).toContain('20261118.2');
    const empty = render('list', 'empty-locks');
    expect(allObjects(empty).some((o) => o['type'] === 'Table')).toBe(false);
    expect(visibleText(empty)).toContain('No environment is locked.');
  });

  it('usage-error: problem, usage, example and did-you-mean', () => {
    const text = visibleText(render('usage-error', 'did-you-mean'));
    expect(text).toContain("'custmo-qa' is not an environment.");
    expect(text).toContain('deploy <environment> [model v<N>] [branch <name>]');
    expect(text).toContain('• deploy custom-qa model v3');
    expect(visibleText(render('usage-error', 'unknown'))).not.toContain('Did you mean');
  });

  it('message: style drives the header container', () => {
    for (const style of ['good', 'attention', 'warning', 'default'] as const) {
      const card = render('message', style);
      expect(((card.body ?? [])[0] as { style: string }).style).toBe(style);
    }
  });

  // Teams' Markdown (TextBlock, Fact) drops what looks like an HTML tag: `deploy <env>` reads
  // "deploy". A TextRun is never Markdown, so placeholders live there; inside a code span (`…`)
  // the Markdown renderer keeps them as written.
  it.each(cases)('%s / %s: no <placeholder> where Markdown would eat it', (id, _name, data) => {
    const card = renderCard(id, data as never);
    const markdown = allObjects(card)
      .filter((o) => o['type'] === 'TextBlock' || ('title' in o && 'value' in o))
      .flatMap((o) => [o['text'], o['title'], o['value']])
      .filter((t): t is string => typeof t === 'string')
      .map((t) => t.replace(/`[^`]*`/g, ''));
    expect(markdown.filter((t) => /<[A-Za-z][^>]*>/.test(t))).toEqual([]);
  });

  it('run-status: a rejected deploy says what still runs in its environment', () => {
    expect(visibleText(render('run-status', 'rejected'))).toContain(
      'Live in Production now: v2 · since 2026-11-25 10:12 UTC · by Alex Wilber',
    );
    expect(visibleText(render('run-status', 'succeeded'))).not.toContain('Live in');
  });

  it('dashboard: leads with what runs where', () => {
    const text = visibleText(render('dashboard', 'busy'));
    expect(text.indexOf('What runs where')).toBeLessThan(text.indexOf('Pipelines'));
    expect(text).toMatch(/Production: v\d+ · since .* UTC · .*run #\d+ · \d{8}\.\d+/);
    expect(text).toContain('QA: nothing deployed yet');
    expect(visibleText(render('dashboard', 'quiet'))).not.toContain('What runs where');
  });

  it('approval and confirm: a downgrade is said in words, with the branch', () => {
    const approval = visibleText(render('approval', 'pending-approver'));
    expect(approval).toContain('This deploy replaces the live model: v3 → v2, a downgrade.');
    expect(approval).toContain('Branch: main');
    expect(visibleText(render('approval', 'pending-viewer'))).not.toContain('downgrade');
    const confirm = visibleText(render('confirm', 'pending-requester'));
    expect(confirm).toContain('This replaces the live model: v3 → v2, a downgrade.');
    expect(confirm).toContain('Change: v3 → v2, a downgrade');
    expect(visibleText(render('confirm', 'pending-viewer'))).not.toContain('downgrade');
  });

  it('help: every command with usage, summary and example', () => {
    const text = visibleText(render('help', 'all'));
    expect(text).toContain('deploy <environment> [model v<N>] [branch <name>]');
    expect(text).toContain('e.g. deploy custom-qa model v3');
  });
});
