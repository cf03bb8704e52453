import { join } from 'node:path';
import type { EmulatedRun, Emulator } from '../../src/emulator/start-emulator';
import { launchChromium, type LaunchedChromium } from '../support/chromium';
import { startTestApp, type TestApp } from '../support/start-test-app';
import { PlaygroundUser, startPlayground, type RunningPlayground } from './playground-support';

/**
 * Zero-config local mode, as a newcomer meets it: the bot in local mode (emulated Azure DevOps)
 * and `npm run playground` (Microsoft 365 Agents Playground) in headless Chromium. Each journey
 * file gets its own session; screenshots land in test-output/playground/ (look at them).
 */

const OUT_DIR = join(__dirname, '..', '..', 'test-output', 'playground');
// Slow enough that a person (and the test) sees a run move through its states: a deploy takes
// four or five tasks, so about two seconds.
const TASK_MS = 400;
/** How long a step waits for what a person would see. */
export const WAIT_MS = 15000;

/** One journey's bot, Playground and browser, and the helpers its steps use. */
export interface PlaygroundSession {
  readonly playground: RunningPlayground;
  readonly user: PlaygroundUser;
  emulator(): Emulator;
  /** The emulated run a card names by its build number (counted per pipeline). */
  runByBuildNumber(pipelineKey: string, buildNumber: string): EmulatedRun;
  /** Bounded wait until the emulated run has finished (the bot learns it its own way). */
  runFinished(id: number, timeoutMs?: number): Promise<string | undefined>;
}

/**
 * Starts the bot, the Playground and Chromium before the file's tests and stops them after.
 * @example
 *   const s = playgroundSession();
 *   it('help', async () => { await s.user.say('help'); await s.user.seeCard('What I can do'); });
 */
export function playgroundSession(): PlaygroundSession {
  let t: TestApp | undefined;
  let playground: RunningPlayground | undefined;
  let browser: LaunchedChromium | undefined;
  let user: PlaygroundUser | undefined;

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

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the Playground session has not started');
    return value;
  };
  const emulator = (): Emulator => {
    const emu = started(t).app.emulator;
    if (!emu) throw new Error('the bot is not in local mode');
    return emu;
  };
  return {
    get playground() {
      return started(playground);
    },
    get user() {
      return started(user);
    },
    emulator,
    runByBuildNumber(pipelineKey, buildNumber) {
      const run = emulator()
        .engine.runs()
        .find((r) => r.pipelineKey === pipelineKey && r.buildNumber === buildNumber);
      if (!run) throw new Error(`no emulated ${pipelineKey} run ${buildNumber}`);
      return run;
    },
    async runFinished(id, timeoutMs = WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = emulator().engine.run(id);
        if (run?.status === 'completed') return run.result;
        if (Date.now() > deadline)
          throw new Error(`run ${id} still ${run?.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** The build number a run card names ("run #122 · 20261126.3"). */
export async function buildNumberOn(cardText: Promise<string>): Promise<string> {
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
export function runCardPattern(pipeline: string, model: string): RegExp {
  const escaped = pipeline.replace(/[[\]]/g, '\\$&');
  return new RegExp(`${escaped}[\\s\\S]*Model\\s*${model}[\\s\\S]*Requested by`);
}
