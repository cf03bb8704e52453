import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set (e.g. Chrome on a Mac or
 * Windows), else Debian's (`apt-get install chromium`); playwright-core ships no browser.
 */
export const CHROMIUM_PATH = chromiumPath(process.env);

/** `CHROMIUM_PATH` from `env`, or `/usr/bin/chromium`. */
export function chromiumPath(env: NodeJS.ProcessEnv): string {
  return env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
}

export interface LaunchedChromium {
  context: BrowserContext;
  /** Closes the browser and deletes its throwaway profile. */
  close(): Promise<void>;
}

/**
 * Headless Chromium with a throwaway profile, for browser tests.
 * @example
 *   const browser = await launchChromium();
 *   const page = await browser.context.newPage();
 *   ...
 *   await browser.close();
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  // The profile goes through launchPersistentContext: `--user-data-dir` in args is rejected.
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable.`,
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return {
      context,
      async close() {
        try {
          await context.close();
        } finally {
          rmSync(userDataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
}
