import { CARD_ACTIONS } from '../../src/actions/card-actions';
import { CARD_VERBS } from '../../src/cards/card-verbs';
import { slackClick } from '../../src/slack/slack-click';

describe('slackClick: a Slack button’s action id and value as the core’s card click', () => {
  it('finds the verb’s spec, validates the data and takes the token out of it', () => {
    const value = JSON.stringify({ approvalId: 'a1', runId: 7, token: 't'.repeat(32) });
    const r = slackClick(CARD_ACTIONS, CARD_VERBS.approve, value);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.click.spec.verb).toBe(CARD_VERBS.approve);
    expect(r.click.data).toEqual({ approvalId: 'a1', runId: 7 });
    expect(r.click.token).toBe('t'.repeat(32));
  });

  it('refuses unknown verbs, unreadable values and data that does not fit the verb', () => {
    expect(slackClick(CARD_ACTIONS, 'deploy.everything', '{}')).toMatchObject({ ok: false });
    expect(slackClick(CARD_ACTIONS, CARD_VERBS.approve, 'not json')).toMatchObject({ ok: false });
    expect(slackClick(CARD_ACTIONS, CARD_VERBS.approve, '[1,2]')).toMatchObject({ ok: false });
    expect(slackClick(CARD_ACTIONS, CARD_VERBS.approve, '{"runId":"x"}')).toMatchObject({
      ok: false,
    });
    expect(slackClick(CARD_ACTIONS, CARD_VERBS.approve, 'x'.repeat(2001))).toMatchObject({
      ok: false,
    });
  });
});
