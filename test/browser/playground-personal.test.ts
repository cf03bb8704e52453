import { buildNumberOn, playgroundSession, runCardPattern } from './playground-session';
import { splitWords } from './playground-support';

/**
 * A newcomer's personal chat with the bot in the Agents Playground (Chromium): commands, run
 * cards that move, answers that are visible, tables that read at desktop and phone widths.
 */

const s = playgroundSession();

describe('Agents Playground, personal chat', () => {
  it('binds the Playground to 127.0.0.1 and serves its web UI there', async () => {
    expect(s.playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(s.user.page.title()).resolves.toMatch(/Agents Playground/);
  });

  it('personal chat: help, pipelines and status answer with cards', async () => {
    await s.user.open('Personal Chat');

    await s.user.say('help');
    const help = await s.user.seeCard('What I can do');
    await expect(help.innerText()).resolves.toContain('deploy');
    await s.user.screenshot('help');

    await s.user.say('pipelines');
    const pipelines = await s.user.seeCard('[ML]-Train-Evaluate-Register');
    await expect(pipelines.innerText()).resolves.toContain('[Manual]-[Prod]-deployment');
    await s.user.screenshot('pipelines');

    await s.user.say('status');
    const dashboard = await s.user.seeCard('Latest run');
    await expect(dashboard.innerText()).resolves.toMatch(/Pipelines/);
    await s.user.screenshot('status');

    // Small talk gets a short answer, not the whole help card.
    await s.user.say('hi');
    const hello = await s.user.seeCard(/Hi Alex/);
    await expect(hello.innerText()).resolves.not.toContain('What I can do');
  });

  it('deploy custom-qa model v3: the run card appears, and status shows it Succeeded', async () => {
    await s.user.say('deploy custom-qa model v3');
    const card = await s.user.seeCard(runCardPattern('[Manual]-[Custom-QA]-Deploy', 'v3'));
    const text = await card.innerText();
    expect(text).toMatch(/Model\s+v3/);
    expect(text).toContain('Alex Wilber');
    await s.user.screenshot('deploy-custom-qa');

    const run = s.runByBuildNumber('custom-qa', await buildNumberOn(card.innerText()));
    await expect(s.runFinished(run.id)).resolves.toBe('succeeded');

    // How a person finds the run id the commands take: the runs list.
    await s.user.say('runs custom-qa 1');
    const runs = await s.user.seeCard(/Recent runs/);
    await expect(runs.innerText()).resolves.toContain(String(run.id));

    await s.user.say(`status ${run.id}`);
    const status = await s.user.seeCard(
      new RegExp(`Succeeded[\\s\\S]*run #${run.id} · ${run.buildNumber}`),
    );
    await expect(status.innerText()).resolves.toContain('[Manual]-[Custom-QA]-Deploy');
    await s.user.screenshot('status-succeeded');
  });

  it('the run card updates in place until it shows Succeeded', async () => {
    await s.user.say('deploy custom-qa model v2');
    const card = await s.user.seeCard(runCardPattern('[Manual]-[Custom-QA]-Deploy', 'v2'));
    const first = await card.innerText();
    expect(first).toMatch(/(Queued|Running) · run/);
    await s.user.screenshotOf(card, 'run-card-running');
    const buildNumber = await buildNumberOn(Promise.resolve(first));
    const runId = s.runByBuildNumber('custom-qa', buildNumber).id;
    await expect(s.runFinished(runId)).resolves.toBe('succeeded');

    // The same message turns green once the bot hears the run finished: still one run card.
    const updated = await s.user.seeCard(new RegExp(`Succeeded · run #\\d+ · ${buildNumber}`));
    await expect(updated.innerText()).resolves.toMatch(/Build[\s\S]*Deploy/);
    const runCards = s.user.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: 'Requested by' })
      .filter({ hasText: `#${runId} · ${buildNumber}` });
    await expect(runCards.count()).resolves.toBe(1);
    await s.user.screenshotOf(updated, 'run-card-succeeded');
    // With the message that asked for it above the card.
    await s.user.screenshotFrom(updated, 'readme-deploy', 110);
  });

  it('status of a run already shown gets a new visible answer', async () => {
    await s.user.say('deploy custom-qa model v3');
    const card = await s.user.seeCard(runCardPattern('[Manual]-[Custom-QA]-Deploy', 'v3'));
    const buildNumber = await buildNumberOn(card.innerText());
    const run = s.runByBuildNumber('custom-qa', buildNumber);
    await expect(s.runFinished(run.id)).resolves.toBe('succeeded');
    await s.user.seeCard(new RegExp(`Succeeded · run #${run.id} · ${buildNumber}`));
    // Let the requester's completion notice land first, so the answer is the newest message.
    await s.user.page.waitForTimeout(1000);
    const runCards = s.user.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: 'Requested by' })
      .filter({ hasText: `#${run.id} · ${buildNumber}` });
    await expect(runCards.count()).resolves.toBe(1);

    await s.user.say(`status ${buildNumber}`);
    // A second card for the run: the answer, as the newest message, in view without scrolling.
    await runCards.nth(1).waitFor({ state: 'visible' });
    const newest = s.user.page.locator('.ac-adaptiveCard').last();
    await expect(newest.innerText()).resolves.toMatch(
      new RegExp(`Succeeded · run #${run.id} · ${buildNumber}[\\s\\S]*Requested by`),
    );
    const box = await newest.boundingBox();
    const viewport = s.user.page.viewportSize();
    expect(box && viewport && box.y + box.height <= viewport.height).toBe(true);
    await s.user.screenshot('status-again');
  });

  it('a failing run shows the failing task’s log lines, and Retry queues it again', async () => {
    s.emulator().engine.failNext('qa', { lines: ['ERROR: model file not found'] });
    await s.user.say('deploy qa model v3');
    const card = await s.user.seeCard(runCardPattern('[QA]-Deploy', 'v3'));
    const run = s.runByBuildNumber('qa', await buildNumberOn(card.innerText()));
    await expect(s.runFinished(run.id)).resolves.toBe('failed');

    await s.user.say(`status ${run.id}`);
    const status = await s.user.seeCard(/Failed[\s\S]*ERROR: model file not found/);
    await s.user.screenshot('status-failed');

    const before = s.emulator().engine.runs().length;
    await status.getByRole('button', { name: 'Retry' }).click();
    // The used button is gone: the clicked card now says which run retried it.
    const clicked = await s.user.seeCard(
      /Failed · retried as #\d+[\s\S]*ERROR: model file not found/,
    );
    await expect(clicked.getByRole('button', { name: 'Retry' }).count()).resolves.toBe(0);
    const retryId = Number(/retried as #(\d+)/.exec(await clicked.innerText())?.[1]);
    expect(s.emulator().engine.runs().length).toBe(before + 1);
    const retry = s.emulator().engine.run(retryId);
    expect(retry?.pipelineKey).toBe('qa');
    // And the retry has a card of its own.
    await s.user.seeCard(
      new RegExp(`\\[QA\\]-Deploy[\\s\\S]*run #${retryId} · ${retry?.buildNumber}`),
    );
    await s.user.screenshot('retry');
  });

  // Teams' Markdown treats a bare `<env>` as an HTML tag and drops it; usage lines are TextRuns,
  // which are never Markdown.
  it('help and usage errors show the placeholders, e.g. deploy <env>', async () => {
    await s.user.open('Personal Chat');
    await s.user.say('help deploy');
    const card = await s.user.seeCard(/deploy.*model vN/);
    await expect(card.innerText()).resolves.toContain(
      'deploy <env> [model vN] [branch <name>] [dry-run]',
    );
    await expect(card.innerText()).resolves.toContain('help <command>');
    await s.user.screenshotOf(card, 'help-deploy');

    await s.user.say('deploy');
    const usage = await s.user.seeCard(/Usage[\s\S]*deploy/);
    await expect(usage.innerText()).resolves.toContain('deploy <env> [model vN]');
    await s.user.screenshotOf(usage, 'usage-deploy');
  });

  it('tables read at desktop chat width and at 360 px: no word split, audit is words', async () => {
    await s.user.open('Personal Chat');
    await s.user.say('pipelines');
    const desktop = await s.user.seeCard(/Approvals[\s\S]*\[Manual\]-\[Prod\]-deployment/);
    // A table at desktop width: the header row is there, and no header breaks mid-word.
    await expect(desktop.getByText('Approvals', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(splitWords(desktop)).resolves.toEqual([]);
    await s.user.screenshotOf(desktop, 'pipelines-desktop');

    await s.user.say('runs 4');
    const runs = await s.user.seeCard(/Recent runs[\s\S]*State/);
    await expect(splitWords(runs)).resolves.toEqual([]);
    await expect(runs.innerText()).resolves.toMatch(/#\d+ · \d{8}\.\d+/);
    await s.user.screenshotOf(runs, 'runs-desktop');

    await s.user.say('audit 5');
    const audit = await s.user.seeCard('Audit log');
    const auditText = await audit.innerText();
    expect(auditText).toContain('runs');
    expect(auditText).not.toMatch(/[{}]|"runId"/);
    await expect(splitWords(audit)).resolves.toEqual([]);
    await s.user.screenshotOf(audit, 'audit-desktop');

    // A phone: on a 360 px screen Teams mobile gives a card about 328 px. The Playground has no
    // phone layout, so its cards are held to that width; Teams' renderer sees the narrower card
    // (its resize observer) and picks the layout for that width, as on a phone.
    const phoneWidth = await s.user.page.addStyleTag({
      content: '.ac-adaptiveCard { width: 328px !important; max-width: 328px !important; }',
    });
    try {
      await s.user.say('pipelines');
      const phone = await s.user.seeCard(/Approvals[\s\S]*\[Manual\]-\[Prod\]-deployment/);
      expect((await phone.boundingBox())?.width).toBeLessThanOrEqual(330);
      await s.user.screenshotOf(phone, 'pipelines-360');
      // Long pipeline names in a narrow column may break; the column headers must not.
      const headers = ['Key', 'Pipeline', 'what', 'does', 'triggers', 'Approvals'];
      await expect(phone.innerText()).resolves.toContain('Approvals');
      await expect(splitWords(phone, headers)).resolves.toEqual([]);
      await s.user.say('runs 4');
      const phoneRuns = await s.user.seeCard(/Recent runs[\s\S]*State/);
      await s.user.screenshotOf(phoneRuns, 'runs-360');
      await expect(splitWords(phoneRuns)).resolves.toEqual([]);
      await s.user.say('audit 5');
      const phoneAudit = await s.user.seeCard('Audit log');
      await s.user.screenshotOf(phoneAudit, 'audit-360');
      await expect(splitWords(phoneAudit)).resolves.toEqual([]);
    } finally {
      await phoneWidth.evaluate((el) => (el as unknown as { remove(): void }).remove());
    }
  });

  // Local mode: everyone approves, their own runs included (one newcomer holds every role), so
  // the requester's own chat gets the approver view. With production roles and noSelfApproval it
  // is the viewer view, "Waiting for approval by <approvers>" (test/e2e/approval-reach).
  it('deploy prod in personal chat: the approval card appears in that chat, and Approve there works', async () => {
    await s.user.open('Personal Chat');
    await s.user.say('deploy prod model v3');
    const confirm = await s.user.seeCard('Deploy model v3 to Production?');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    const approval = await s.user.seeCard(/Waiting for approval: Production[\s\S]*Approvers/);
    const visible = await approval.innerText();
    expect(visible).toMatch(/Waiting for approval: Production[\s\S]*Started by\s*Alex Wilber/);
    const run = s.runByBuildNumber('prod', await buildNumberOn(Promise.resolve(visible)));
    expect(s.emulator().engine.pendingApprovals(run.id)).toHaveLength(1);
    await s.user.screenshotOf(approval, 'prod-approval-personal');

    const approve = approval.getByRole('button', { name: 'Approve' });
    await approve.waitFor({ state: 'visible', timeout: 3000 });
    await approve.click();
    const decided = await s.user.seeCard(
      new RegExp(`Approved: Production[\\s\\S]*#${run.id} · ${run.buildNumber}`),
    );
    await expect(decided.innerText()).resolves.toMatch(/Approved by Alex Wilber/);
    await expect(s.runFinished(run.id)).resolves.toBe('succeeded');
  });

  it('a typo gets a did-you-mean', async () => {
    await s.user.say('hlep deploy');
    const card = await s.user.seeCard('Did you mean');
    await expect(card.innerText()).resolves.toContain('help');
    await s.user.screenshot('did-you-mean');
    // The button sends the whole command, as if typed: the help for deploy comes back.
    await card.getByRole('button', { name: 'help deploy' }).click();
    const help = await s.user.seeCard(/help deploy[\s\S]*deploy <env>/);
    await expect(help.innerText()).resolves.toContain('Deploys a registered model');
  });
});
