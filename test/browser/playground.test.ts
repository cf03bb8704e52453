import { join } from 'node:path';
import type { Emulator } from '../../src/emulator/start-emulator';
import { launchChromium, type LaunchedChromium } from '../support/chromium';
import { startTestApp, type TestApp } from '../support/start-test-app';
import {
  PlaygroundUser,
  splitWords,
  startPlayground,
  type RunningPlayground,
} from './playground-support';

/**
 * Zero-config local mode, as a newcomer meets it: the bot in local mode (emulated Azure DevOps)
 * and `npm run playground` (Microsoft 365 Agents Playground) in headless Chromium. Every step
 * types or clicks in the Playground's web UI and asserts what is on screen; screenshots land in
 * test-output/playground/ (look at them).
 */

const OUT_DIR = join(__dirname, '..', '..', 'test-output', 'playground');
// Slow enough that a person (and the test) sees a run move through its states: a deploy takes
// four or five tasks, so about two seconds.
const TASK_MS = 400;
const WAIT_MS = 15000;

let t: TestApp;
let playground: RunningPlayground;
let browser: LaunchedChromium;
let user: PlaygroundUser;

function emulator(): Emulator {
  const emu = t.app.emulator;
  if (!emu) throw new Error('the bot is not in local mode');
  return emu;
}

/** The emulated run a card names by its build number ("run #122 (20261126.3)", counted per pipeline). */
function runByBuildNumber(pipelineKey: string, buildNumber: string) {
  const run = emulator()
    .engine.runs()
    .find((r) => r.pipelineKey === pipelineKey && r.buildNumber === buildNumber);
  if (!run) throw new Error(`no emulated ${pipelineKey} run ${buildNumber}`);
  return run;
}

/** Bounded wait until the emulated run has finished (the bot learns it its own way). */
async function runFinished(id: number, timeoutMs = WAIT_MS): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = emulator().engine.run(id);
    if (run?.status === 'completed') return run.result;
    if (Date.now() > deadline)
      throw new Error(`run ${id} still ${run?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function buildNumberOn(cardText: Promise<string>): Promise<string> {
  const text = await cardText;
  const buildNumber = /run (?:#\d+ · )?(\d{8}\.\d+)/.exec(text)?.[1];
  if (!buildNumber) throw new Error(`no "run #<id> · <build number>" on the card: ${text}`);
  return buildNumber;
}

/**
 * A pipeline's run card (the bot's answer to a deploy, kept up to date), not the personal
 * "your deploy finished" notice that also names the pipeline. `hasText` sees textContent, where
 * "Model" and "v3" touch.
 */
function runCardPattern(pipeline: string, model: string): RegExp {
  const escaped = pipeline.replace(/[[\]]/g, '\\$&');
  return new RegExp(`${escaped}[\\s\\S]*Model\\s*${model}[\\s\\S]*Requested by`);
}

beforeAll(async () => {
  t = await startTestApp({}, { emulatorTaskMs: TASK_MS });
  playground = await startPlayground(`${t.app.url}/api/messages`);
  browser = await launchChromium();
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: 1000 });
  page.setDefaultTimeout(WAIT_MS);
  await page.goto(playground.url);
  user = new PlaygroundUser(page, OUT_DIR);
}, 60000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await playground?.close();
  await t?.close();
});

describe('Agents Playground against the bot in local mode', () => {
  it('binds the Playground to 127.0.0.1 and serves its web UI there', async () => {
    expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(user.page.title()).resolves.toMatch(/Agents Playground/);
  });

  it('personal chat: help, pipelines and status answer with cards', async () => {
    await user.open('Personal Chat');

    await user.say('help');
    const help = await user.seeCard('What I can do');
    await expect(help.innerText()).resolves.toContain('deploy');
    await user.screenshot('help');

    await user.say('pipelines');
    const pipelines = await user.seeCard('[ML]-Train-Evaluate-Register');
    await expect(pipelines.innerText()).resolves.toContain('[Manual]-[Prod]-deployment');
    await user.screenshot('pipelines');

    await user.say('status');
    const dashboard = await user.seeCard('Latest run');
    await expect(dashboard.innerText()).resolves.toMatch(/Pipelines/);
    await user.screenshot('status');
  });

  it('deploy custom-qa model v3: the run card appears, and status shows it Succeeded', async () => {
    await user.say('deploy custom-qa model v3');
    const card = await user.seeCard(runCardPattern('[Manual]-[Custom-QA]-Deploy', 'v3'));
    const text = await card.innerText();
    expect(text).toMatch(/Model\s+v3/);
    expect(text).toContain('Alex Wilber');
    await user.screenshot('deploy-custom-qa');

    const run = runByBuildNumber('custom-qa', await buildNumberOn(card.innerText()));
    await expect(runFinished(run.id)).resolves.toBe('succeeded');

    // How a person finds the run id the commands take: the runs list.
    await user.say('runs custom-qa 1');
    const runs = await user.seeCard(/Recent runs/);
    await expect(runs.innerText()).resolves.toContain(String(run.id));

    await user.say(`status ${run.id}`);
    const status = await user.seeCard(
      new RegExp(`Succeeded[\\s\\S]*run #${run.id} · ${run.buildNumber}`),
    );
    await expect(status.innerText()).resolves.toContain('[Manual]-[Custom-QA]-Deploy');
    await user.screenshot('status-succeeded');
  });

  it('the run card updates in place until it shows Succeeded', async () => {
    await user.say('deploy custom-qa model v2');
    const card = await user.seeCard(runCardPattern('[Manual]-[Custom-QA]-Deploy', 'v2'));
    const first = await card.innerText();
    expect(first).toMatch(/(Queued|Running) · run/);
    await user.screenshotOf(card, 'run-card-running');
    const buildNumber = await buildNumberOn(Promise.resolve(first));
    const runId = runByBuildNumber('custom-qa', buildNumber).id;
    await expect(runFinished(runId)).resolves.toBe('succeeded');

    // The same message turns green once the bot hears the run finished: still one run card.
    const updated = await user.seeCard(new RegExp(`Succeeded · run #\\d+ · ${buildNumber}`));
    await expect(updated.innerText()).resolves.toMatch(/Build[\s\S]*Deploy/);
    const runCards = user.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: 'Requested by' })
      .filter({ hasText: `#${runId} · ${buildNumber}` });
    await expect(runCards.count()).resolves.toBe(1);
    await user.screenshotOf(updated, 'run-card-succeeded');
    // With the message that asked for it above the card.
    await user.screenshotFrom(updated, 'readme-deploy', 110);
  });

  it('status of a run already shown gets a new visible answer', async () => {
    await user.say('deploy custom-qa model v3');
    const card = await user.seeCard(runCardPattern('[Manual]-[Custom-QA]-Deploy', 'v3'));
    const buildNumber = await buildNumberOn(card.innerText());
    const run = runByBuildNumber('custom-qa', buildNumber);
    await expect(runFinished(run.id)).resolves.toBe('succeeded');
    await user.seeCard(new RegExp(`Succeeded · run #${run.id} · ${buildNumber}`));
    // Let the requester's completion notice land first, so the answer is the newest message.
    await user.page.waitForTimeout(1000);
    const runCards = user.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: 'Requested by' })
      .filter({ hasText: `#${run.id} · ${buildNumber}` });
    await expect(runCards.count()).resolves.toBe(1);

    await user.say(`status ${buildNumber}`);
    // A second card for the run: the answer, as the newest message, in view without scrolling.
    await runCards.nth(1).waitFor({ state: 'visible' });
    const newest = user.page.locator('.ac-adaptiveCard').last();
    await expect(newest.innerText()).resolves.toMatch(
      new RegExp(`Succeeded · run #${run.id} · ${buildNumber}[\\s\\S]*Requested by`),
    );
    const box = await newest.boundingBox();
    const viewport = user.page.viewportSize();
    expect(box && viewport && box.y + box.height <= viewport.height).toBe(true);
    await user.screenshot('status-again');
  });

  it('a failing run shows the failing task’s log lines, and Retry queues it again', async () => {
    emulator().engine.failNext('qa', { lines: ['ERROR: model file not found'] });
    await user.say('deploy qa model v3');
    const card = await user.seeCard(runCardPattern('[QA]-Deploy', 'v3'));
    const run = runByBuildNumber('qa', await buildNumberOn(card.innerText()));
    await expect(runFinished(run.id)).resolves.toBe('failed');

    await user.say(`status ${run.id}`);
    const status = await user.seeCard(/Failed[\s\S]*ERROR: model file not found/);
    await user.screenshot('status-failed');

    const before = emulator().engine.runs().length;
    await status.getByRole('button', { name: 'Retry' }).click();
    const retried = await user.seeCard(/\[QA\]-Deploy[\s\S]*(Queued|Running|Succeeded)/);
    await expect(retried.innerText()).resolves.not.toContain(`#${run.id} · ${run.buildNumber}`);
    expect(emulator().engine.runs().length).toBe(before + 1);
    await user.screenshot('retry');
  });

  // Teams' Markdown treats a bare `<env>` as an HTML tag and drops it; usage lines are TextRuns,
  // which are never Markdown.
  it('help and usage errors show the placeholders, e.g. deploy <env>', async () => {
    await user.open('Personal Chat');
    await user.say('help deploy');
    const card = await user.seeCard(/deploy.*model vN/);
    await expect(card.innerText()).resolves.toContain(
      'deploy <env> [model vN] [branch <name>] [dry-run]',
    );
    await expect(card.innerText()).resolves.toContain('help <command>');
    await user.screenshotOf(card, 'help-deploy');

    await user.say('deploy');
    const usage = await user.seeCard(/Usage[\s\S]*deploy/);
    await expect(usage.innerText()).resolves.toContain('deploy <env> [model vN]');
    await user.screenshotOf(usage, 'usage-deploy');
  });

  it('tables read at desktop chat width and at 360 px: no word split, audit is words', async () => {
    await user.open('Personal Chat');
    await user.say('pipelines');
    const desktop = await user.seeCard(/Approvals[\s\S]*\[Manual\]-\[Prod\]-deployment/);
    // A table at desktop width: the header row is there, and no header breaks mid-word.
    await expect(desktop.getByText('Approvals', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(splitWords(desktop)).resolves.toEqual([]);
    await user.screenshotOf(desktop, 'pipelines-desktop');

    await user.say('runs 4');
    const runs = await user.seeCard(/Recent runs[\s\S]*State/);
    await expect(splitWords(runs)).resolves.toEqual([]);
    await expect(runs.innerText()).resolves.toMatch(/#\d+ · \d{8}\.\d+/);
    await user.screenshotOf(runs, 'runs-desktop');

    await user.say('audit 5');
    const audit = await user.seeCard('Audit log');
    const auditText = await audit.innerText();
    expect(auditText).toContain('runs');
    expect(auditText).not.toMatch(/[{}]|"runId"/);
    await expect(splitWords(audit)).resolves.toEqual([]);
    await user.screenshotOf(audit, 'audit-desktop');

    // A phone: on a 360 px screen Teams mobile gives a card about 328 px. The Playground has no
    // phone layout, so its cards are held to that width; Teams' renderer sees the narrower card
    // (its resize observer) and picks the layout for that width, as on a phone.
    const phoneWidth = await user.page.addStyleTag({
      content: '.ac-adaptiveCard { width: 328px !important; max-width: 328px !important; }',
    });
    try {
      await user.say('pipelines');
      const phone = await user.seeCard(/Approvals[\s\S]*\[Manual\]-\[Prod\]-deployment/);
      expect((await phone.boundingBox())?.width).toBeLessThanOrEqual(330);
      await user.screenshotOf(phone, 'pipelines-360');
      // Long pipeline names in a narrow column may break; the column headers must not.
      const headers = ['Key', 'Pipeline', 'what', 'does', 'triggers', 'Approvals'];
      await expect(phone.innerText()).resolves.toContain('Approvals');
      await expect(splitWords(phone, headers)).resolves.toEqual([]);
      await user.say('runs 4');
      const phoneRuns = await user.seeCard(/Recent runs[\s\S]*State/);
      await user.screenshotOf(phoneRuns, 'runs-360');
      await expect(splitWords(phoneRuns)).resolves.toEqual([]);
      await user.say('audit 5');
      const phoneAudit = await user.seeCard('Audit log');
      await user.screenshotOf(phoneAudit, 'audit-360');
      await expect(splitWords(phoneAudit)).resolves.toEqual([]);
    } finally {
      await phoneWidth.evaluate((el) => (el as unknown as { remove(): void }).remove());
    }
  });

  it('a typo gets a did-you-mean', async () => {
    await user.say('hlep deploy');
    const card = await user.seeCard('Did you mean');
    await expect(card.innerText()).resolves.toContain('help');
    await user.screenshot('did-you-mean');
    // The button sends the whole command, as if typed: the help for deploy comes back.
    await card.getByRole('button', { name: 'help deploy' }).click();
    const help = await user.seeCard(/help deploy[\s\S]*deploy <env>/);
    await expect(help.innerText()).resolves.toContain('Deploys a registered model');
  });

  it('installing in a team greets the channel, once', async () => {
    // Opening a channel makes the Playground send installationUpdate and conversationUpdate.
    await user.open('deployments');
    const greeting = await user.seeCard('DigitRE ChatOps is here');
    await expect(greeting.innerText()).resolves.toMatch(/this channel/);
    await user.screenshot('channel-greeting');

    // Mock an Activity → Install application: the same installation again, no second hello.
    await user.page.getByText('Mock an Activity', { exact: true }).click();
    await user.page.getByText('Install application', { exact: true }).click();
    // A dialog shows the activity's JSON (editable) before sending it.
    await expect(user.page.getByRole('dialog').innerText()).resolves.toMatch(
      /Install application[\s\S]*onInstallationUpdate/,
    );
    const delivered = user.page.getByText('installationUpdate 200', { exact: true });
    const before = await delivered.count();
    await user.page.getByRole('button', { name: 'Send activity' }).click();
    await delivered.nth(before).waitFor();
    await user.page.waitForTimeout(1000);
    await user.screenshot('channel-install-again');
    const greetings = user.page.locator('.ac-adaptiveCard').filter({ hasText: 'is here' });
    await expect(greetings.count()).resolves.toBe(1);
  });

  // Before it subscribes, the team's channel hears what a team wants: prod, approvals, failures.
  it('the channel default filter: a QA failure reaches the channel, a QA success does not', async () => {
    await user.open('Personal Chat');
    await user.say('deploy custom-qa model v3');
    const good = runByBuildNumber(
      'custom-qa',
      await buildNumberOn(
        user.card(runCardPattern('[Manual]-[Custom-QA]-Deploy', 'v3')).innerText(),
      ),
    );
    emulator().engine.failNext('qa', { lines: ['ERROR: the default filter test'] });
    await user.say('deploy qa model v3');
    const badCard = await user.seeCard(runCardPattern('[QA]-Deploy', 'v3'));
    const bad = runByBuildNumber('qa', await buildNumberOn(badCard.innerText()));
    await expect(runFinished(good.id)).resolves.toBe('succeeded');
    await expect(runFinished(bad.id)).resolves.toBe('failed');

    await user.open('deployments');
    const failed = await user.seeCard(new RegExp(`Failed · run #${bad.id} · ${bad.buildNumber}`));
    await expect(failed.innerText()).resolves.toContain('ERROR: the default filter test');
    await user.screenshot('channel-default-filter');
    const succeeded = user.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: `#${good.id} · ${good.buildNumber}` });
    await expect(succeeded.count()).resolves.toBe(0);
  });

  it('channel: subscribe, deploy prod, Confirm, approve with a comment; the cards say who approved', async () => {
    await user.open('deployments');
    await user.post('subscribe');
    await user.seeCard(/This chat (will hear|already hears) about/);

    await user.post('deploy prod model v3');
    const confirm = await user.seeCard('Deploy model v3 to Production?');
    await user.screenshot('prod-confirm');
    await confirm.getByRole('button', { name: 'Confirm' }).click();

    const approval = await user.seeCard('Waiting for approval: Production');
    await expect(approval.innerText()).resolves.toContain('Alex Wilber');
    const run = runByBuildNumber('prod', await buildNumberOn(approval.innerText()));
    expect(run.status).not.toBe('completed');
    await user.screenshot('prod-approval');

    await user.post('approve prod Metrics look good');
    const decided = await user.seeCard(/Approved: Production[\s\S]*Metrics look good/);
    await expect(decided.innerText()).resolves.toMatch(/Approved by Alex Wilber/);

    await expect(runFinished(run.id)).resolves.toBe('succeeded');
    // The run card the subscription posted in the channel follows the run to the end.
    await user.seeCard(`Succeeded · run #${run.id} · ${run.buildNumber}`);
    await user.screenshot('prod-approved');
    await user.screenshotFrom(decided, 'readme-approval', 50);
  });

  // The Playground has no user-specific views; in local mode the channel's approval card is the
  // approver view (everyone approves), so the buttons are there for everyone.
  it('channel: a prod deploy with a downgrade shows it on the approval card; comment and click Approve', async () => {
    await user.open('deployments');
    await user.post('deploy prod model v2');
    const confirm = await user.seeCard('Deploy model v2 to Production?');
    // v3 went live in the test before: the question says what confirming changes.
    await expect(confirm.innerText()).resolves.toMatch(
      /This replaces the live model: v3 → v2, a downgrade[\s\S]*Branch\s*main/,
    );
    await user.screenshotOf(confirm, 'prod-confirm-downgrade');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    const approval = await user.seeCard(/Waiting for approval: Production[\s\S]*Model\s*v2/);
    // Approvers see what they approve: the change to the live model and the branch.
    await expect(approval.innerText()).resolves.toMatch(
      /This deploy replaces the live model: v3 → v2, a downgrade[\s\S]*Change\s*v3 → v2, a downgrade[\s\S]*Branch\s*main/,
    );
    await user.screenshotOf(approval, 'prod-approval-downgrade');

    const approve = approval.getByRole('button', { name: 'Approve' });
    await approve.waitFor({ state: 'visible', timeout: 3000 });
    await approval.getByRole('textbox').fill('Clicked in the Playground');
    await approve.click();
    const decided = await user.seeCard(/Approved: Production[\s\S]*Clicked in the Playground/);
    await expect(decided.innerText()).resolves.toMatch(/Approved by Alex Wilber/);
    await user.screenshot('prod-approved-by-click');
  });
});
