import type { Locator } from 'playwright-core';
import { buildNumberOn, playgroundSession, runCardPattern } from './playground-session';

/**
 * The team's channel in the Agents Playground (Chromium): the greeting, the default filter, and
 * a prod deploy through Confirm and approval, with what each click leaves on the cards.
 */

const s = playgroundSession();

/**
 * What a person reads in the channel post (a thread: its first message, the replies under it
 * and its own reply box) that `card` is in. The Playground lays a channel out as Teams does:
 * one box per post, replies inside it.
 */
const threadOf = (card: Locator): Promise<string> =>
  card.evaluate((node) => {
    interface El {
      parentElement: El | null;
      innerText: string;
      querySelector(selector: string): unknown;
    }
    let post = (node as unknown as El).parentElement;
    while (post && !post.querySelector('[data-lexical-editor="true"]')) post = post.parentElement;
    return post?.innerText ?? '';
  });

describe('Agents Playground, the team channel', () => {
  it('installing in a team greets the channel, once', async () => {
    // Opening a channel makes the Playground send installationUpdate and conversationUpdate.
    await s.user.open('deployments');
    const greeting = await s.user.seeCard('DigitRE ChatOps is here');
    await expect(greeting.innerText()).resolves.toMatch(/this channel/);
    await s.user.screenshot('channel-greeting');

    // Mock an Activity → Install application: the same installation again, no second hello.
    await s.user.page.getByText('Mock an Activity', { exact: true }).click();
    await s.user.page.getByText('Install application', { exact: true }).click();
    // A dialog shows the activity's JSON (editable) before sending it.
    await expect(s.user.page.getByRole('dialog').innerText()).resolves.toMatch(
      /Install application[\s\S]*onInstallationUpdate/,
    );
    const delivered = s.user.page.getByText('installationUpdate 200', { exact: true });
    const before = await delivered.count();
    await s.user.page.getByRole('button', { name: 'Send activity' }).click();
    await delivered.nth(before).waitFor();
    await s.user.page.waitForTimeout(1000);
    await s.user.screenshot('channel-install-again');
    const greetings = s.user.page.locator('.ac-adaptiveCard').filter({ hasText: 'is here' });
    await expect(greetings.count()).resolves.toBe(1);
  });

  // Before it subscribes, the team's channel hears what a team wants: prod, approvals, failures.
  it('the channel default filter: a QA failure reaches the channel, a QA success does not', async () => {
    await s.user.open('Personal Chat');
    await s.user.say('deploy custom-qa model v3');
    const good = s.runByBuildNumber(
      'custom-qa',
      await buildNumberOn(
        s.user.card(runCardPattern('[Manual]-[Custom-QA]-Deploy', 'v3')).innerText(),
      ),
    );
    s.emulator().engine.failNext('qa', { lines: ['ERROR: the default filter test'] });
    await s.user.say('deploy qa model v3');
    const badCard = await s.user.seeCard(runCardPattern('[QA]-Deploy', 'v3'));
    const bad = s.runByBuildNumber('qa', await buildNumberOn(badCard.innerText()));
    await expect(s.runFinished(good.id)).resolves.toBe('succeeded');
    await expect(s.runFinished(bad.id)).resolves.toBe('failed');

    await s.user.open('deployments');
    const failed = await s.user.seeCard(new RegExp(`Failed · run #${bad.id} · ${bad.buildNumber}`));
    await expect(failed.innerText()).resolves.toContain('ERROR: the default filter test');
    await s.user.screenshot('channel-default-filter');
    const succeeded = s.user.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: `#${good.id} · ${good.buildNumber}` });
    await expect(succeeded.count()).resolves.toBe(0);
  });

  it('channel: subscribe, deploy prod, Confirm, approve with a comment; the cards say who approved', async () => {
    await s.user.open('deployments');
    await s.user.post('subscribe');
    await s.user.seeCard(/This chat (will hear|already hears) about/);

    await s.user.post('deploy prod model v3');
    const confirm = await s.user.seeCard('Deploy model v3 to Production?');
    await s.user.screenshot('prod-confirm');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    // The question is answered on the card itself: who confirmed, and no buttons left to press.
    const confirmed = await s.user.seeCard(
      /Deploy model v3 to Production\?[\s\S]*Confirmed by Alex Wilber/,
    );
    for (const name of ['Confirm', 'Cancel']) {
      await expect(confirmed.getByRole('button', { name }).count()).resolves.toBe(0);
    }

    const approval = await s.user.seeCard('Waiting for approval: Production');
    await expect(approval.innerText()).resolves.toContain('Alex Wilber');
    const run = s.runByBuildNumber('prod', await buildNumberOn(approval.innerText()));
    expect(run.status).not.toBe('completed');
    // One thread per run: the approval card is a reply under the request, not a new post.
    await expect(threadOf(approval)).resolves.toMatch(
      /^[^]*?deploy prod model v3[^]*Deploy model v3 to Production\?[^]*Waiting for approval: Production/,
    );
    await s.user.screenshot('prod-approval');

    await s.user.post('approve prod Metrics look good');
    const decided = await s.user.seeCard(/Approved: Production[\s\S]*Metrics look good/);
    await expect(decided.innerText()).resolves.toMatch(/Approved by Alex Wilber/);
    // The typed decision gets its own visible answer, one line, not a second Approved card.
    await s.user.seeCard(
      /You approved run #\d+ of \[Manual\]-\[Prod\]-deployment, the deploy to Production/,
    );

    await expect(s.runFinished(run.id)).resolves.toBe('succeeded');
    // The run card the subscription posted in the channel follows the run to the end.
    await s.user.seeCard(`Succeeded · run #${run.id} · ${run.buildNumber}`);
    await s.user.screenshot('prod-approved');
    await s.user.screenshotFrom(decided, 'readme-approval', 50);
  });

  // The Playground has no user-specific views; in local mode the channel's approval card is the
  // approver view (everyone approves), so the buttons are there for everyone.
  it('channel: a prod deploy with a downgrade shows it on the approval card; comment and click Approve', async () => {
    await s.user.open('deployments');
    await s.user.post('deploy prod model v2');
    const confirm = await s.user.seeCard('Deploy model v2 to Production?');
    // v3 went live in the test before: the question says what confirming changes.
    await expect(confirm.innerText()).resolves.toMatch(
      /This replaces the live model: v3 → v2, a downgrade[\s\S]*Branch\s*main/,
    );
    await s.user.screenshotOf(confirm, 'prod-confirm-downgrade');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    const approval = await s.user.seeCard(/Waiting for approval: Production[\s\S]*Model\s*v2/);
    const run = s.runByBuildNumber('prod', await buildNumberOn(approval.innerText()));
    // Approvers see what they approve: the change to the live model and the branch.
    await expect(approval.innerText()).resolves.toMatch(
      /This deploy replaces the live model: v3 → v2, a downgrade[\s\S]*Change\s*v3 → v2, a downgrade[\s\S]*Branch\s*main/,
    );
    await s.user.screenshotOf(approval, 'prod-approval-downgrade');
    await expect(threadOf(approval)).resolves.toMatch(
      /deploy prod model v2[^]*Deploy model v2 to Production\?[^]*Waiting for approval: Production/,
    );
    await expect(threadOf(approval)).resolves.not.toContain('deploy prod model v3');

    const approve = approval.getByRole('button', { name: 'Approve' });
    await approve.waitFor({ state: 'visible', timeout: 3000 });
    await approval.getByRole('textbox').fill('Clicked in the Playground');
    await approve.click();
    const decided = await s.user.seeCard(/Approved: Production[\s\S]*Clicked in the Playground/);
    await expect(decided.innerText()).resolves.toMatch(/Approved by Alex Wilber/);
    // The decided card has no buttons, and the chat has one Approved card for the run, not two.
    for (const name of ['Approve', 'Reject']) {
      await expect(decided.getByRole('button', { name }).count()).resolves.toBe(0);
    }
    await s.user.page.waitForTimeout(1500);
    const approvedCards = s.user.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: /Approved/ })
      .filter({ hasText: `#${run.id} · ${run.buildNumber}` });
    await expect(approvedCards.count()).resolves.toBe(1);
    await s.user.screenshot('prod-approved-by-click');
    // The requester's personal chat (Alex asked) gets no second "Approved" card either. (Today
    // it gets none: with a channel that takes approvals, the approval card goes there only.)
    await s.user.open('Personal Chat');
    await s.user.page.waitForTimeout(1000);
    const personal = s.user.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: /Approved/ })
      .filter({ hasText: new RegExp(`#${run.id}\\b|${run.buildNumber}`) });
    await expect(personal.count()).resolves.toBeLessThanOrEqual(1);
    await s.user.screenshot('prod-approved-personal');
  });
});
