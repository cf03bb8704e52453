import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'playground.js');

/** The bot's name in scripts/playground.yml: what the Playground shows as the author of cards. */
export const BOT_NAME = 'DigitRE ChatOps';

export interface RunningPlayground {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Everything the script printed (stdout and stderr), for failure messages. */
  output: string[];
  /** Stops the Playground's whole process group; waits (bounded) until it is gone. */
  close(): Promise<void>;
}

/**
 * `npm run playground` as a user runs it (scripts/playground.js), on a free port, pointed at
 * `botEndpoint`. It runs in its own process group so close() stops the script and the
 * Playground it spawned together.
 * @example
 *   const pg = await startPlayground(`${app.url}/api/messages`);
 *   await page.goto(pg.url);
 *   await pg.close();
 */
export async function startPlayground(
  botEndpoint: string,
  timeoutMs = 30000,
): Promise<RunningPlayground> {
  const child = spawn(process.execPath, [SCRIPT, '--port', '0', '--bot-endpoint', botEndpoint], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = () => stopGroup(child, exited);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Playground did not start in ${timeoutMs} ms:\n${output.join('')}`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString('utf8'));
        const url = /Agents Playground: (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''))?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Playground exited (${code}) before starting:\n${output.join('')}`));
      });
    });
    return { url, output, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5000).unref()),
  ]);
  // The script waits for the Playground before it exits; make sure no grandchild is left.
  signalGroup('SIGKILL');
  if (timedOut) await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
}

/**
 * A person in the Playground's web UI: picks a conversation, types in the compose box, reads
 * and clicks the cards, and takes screenshots of what they see.
 */
export class PlaygroundUser {
  private shots = 0;

  constructor(
    readonly page: Page,
    private readonly outDir: string,
  ) {
    mkdirSync(outDir, { recursive: true });
  }

  /** Opens a conversation from the left rail: 'Personal Chat', or a channel such as 'deployments'. */
  async open(conversation: string): Promise<void> {
    await this.page.getByText(conversation, { exact: true }).first().click();
  }

  /** Personal chat: type the text in the compose box and press Enter. */
  async say(text: string): Promise<void> {
    const box = this.page.locator('[data-lexical-editor="true"]').last();
    await box.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Channel: start a new post that @mentions the bot (in a channel a bot only hears messages
   * that mention it), picking the bot from the mention suggestions as a person would.
   */
  async post(text: string): Promise<void> {
    const box = this.page.locator('[data-lexical-editor="true"]').first();
    await box.click();
    await this.page.keyboard.type('@Dig');
    await this.page.locator('#typeahead-menu [role=menuitem]', { hasText: BOT_NAME }).click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.keyboard.press('Enter');
  }

  /** The newest Adaptive Card on screen that contains `text`. */
  card(text: string | RegExp): Locator {
    return this.page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();
  }

  /** The newest card with `text` on it, once it is visible (scrolled into view). */
  async seeCard(text: string | RegExp, timeout = 15000): Promise<Locator> {
    const card = this.card(text);
    await card.waitFor({ state: 'visible', timeout });
    await card.scrollIntoViewIfNeeded();
    return card;
  }

  /** Saves test-output/playground/NN-name.png of the whole window. */
  async screenshot(name: string): Promise<string> {
    this.shots += 1;
    const path = join(this.outDir, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /**
   * Scrolls `top` (with `contextAbove` px above it) to the top of the conversation and saves the
   * window without the log panel: what the README shows.
   */
  async screenshotFrom(top: Locator, name: string, contextAbove = 0): Promise<string> {
    await top.evaluate((el, above) => {
      // Scroll the conversation (not the window) so `el` sits just below its top edge.
      let scroller = el.parentElement;
      while (scroller && scroller.scrollHeight <= scroller.clientHeight + 1) {
        scroller = scroller.parentElement;
      }
      if (!scroller) return;
      const offset = el.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
      // The Playground's header overlaps the conversation's scroller by about 60 px.
      scroller.scrollTop += offset - 60 - above;
    }, contextAbove);
    await this.page.waitForTimeout(200);
    const viewport = this.page.viewportSize() ?? { width: 1400, height: 1000 };
    const logPanel = await this.page.getByText('Log Panel', { exact: true }).boundingBox();
    const width = logPanel ? Math.round(logPanel.x) - 16 : viewport.width;
    this.shots += 1;
    const path = join(this.outDir, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path, clip: { x: 0, y: 0, width, height: viewport.height } });
    return path;
  }

  /** Saves a screenshot of one card. */
  async screenshotOf(locator: Locator, name: string): Promise<string> {
    this.shots += 1;
    const path = join(this.outDir, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    await locator.screenshot({ path });
    return path;
  }
}

/**
 * Words the browser broke across two lines inside a card ("Approval|s", "Productio|n"): for
 * each word (split at spaces, hyphens, slashes and dots, where a line may legitimately break),
 * the word's own boxes sit on more than one line. What a person reads as a broken word.
 * `only`: just these words (e.g. a table's column headers).
 */
export async function splitWords(card: Locator, only?: readonly string[]): Promise<string[]> {
  const found = await card.evaluate((root) => {
    // Runs in Chromium; the project compiles without the DOM lib, hence the narrow types.
    interface Rect {
      top: number;
      height: number;
    }
    interface TextNode {
      data: string;
    }
    interface Doc {
      createTreeWalker(root: unknown, what: number): { nextNode(): TextNode | null };
      createRange(): {
        setStart(n: TextNode, o: number): void;
        setEnd(n: TextNode, o: number): void;
        getClientRects(): ArrayLike<Rect>;
      };
    }
    const doc = (globalThis as unknown as { document: Doc }).document;
    const SHOW_TEXT = 4;
    const walker = doc.createTreeWalker(root, SHOW_TEXT);
    const broken: string[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\s\-/.·]{2,}/g)) {
        const range = doc.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = Array.from(range.getClientRects()).filter((r) => r.height > 0);
        const lines = new Set(rects.map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
    return broken;
  });
  return only ? found.filter((w) => only.includes(w.replace(/[,:;]$/, ''))) : found;
}
