/**
 * `npm run bench:store`: how big the SQLite file gets over 100,000 commands (issue #17, running
 * for months). Each command writes what a chat command writes to the store: the dedupe row of
 * its activity id (kept 24 h) and an audit record. The same commands in two shapes, on a manual
 * clock:
 *   burst   all within one day; then the clock moves two days on and the bot restarts
 *   steady  1,000 a day for 100 days, and 200 a day for 500 days (CHATOPS_AUDIT_DAYS=90
 *           keeps the last 90 days)
 * Sizes are of the closed file (database + WAL), as on disk between runs.
 *
 *   npm run bench:store                         100,000 commands
 *   npm run bench:store -- --commands 20000     fewer
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../src/clock/clock';
import { once } from '../src/store/once';
import { SqliteStore } from '../src/store/sqlite-store';

const DAY = 24 * 3600_000;
const ACTIVITY_DEDUPE_MS = DAY;
const T0 = Date.UTC(2026, 0, 1);
const PEOPLE = Array.from({ length: 12 }, () => randomUUID());
const CHATS = Array.from(
  { length: 20 },
  (_, i) => `a:1${randomUUID().replace(/-/g, '')}${'Xy'.repeat(40)}${i}`,
);

/** One command's writes, sized like a deploy's. */
async function command(store: SqliteStore, i: number): Promise<void> {
  await once(store, `activity:f:${randomUUID()}`, ACTIVITY_DEDUPE_MS);
  await store.appendAudit({
    actor: { id: PEOPLE[i % PEOPLE.length]!, name: 'Alex Wilber' },
    action: 'deploy',
    detail: `custom-qa model v${(i % 9) + 1} branch main: run ${20_000 + i} queued`,
    outcome: 'ok',
    runId: 20_000 + i,
    conversationId: CHATS[i % CHATS.length],
  });
}

/** Bytes on disk of the closed database and its WAL (if one was left). */
function sizeOnDisk(path: string): number {
  return [path, `${path}-wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function burst(dir: string, commands: number): Promise<Record<string, number>> {
  const path = join(dir, 'burst.db');
  const clock = manualClock(T0);
  const store = SqliteStore.open({ path, clock, auditRetentionDays: 90 });
  for (let i = 0; i < commands; i++) {
    clock.advance(Math.floor(DAY / 2 / commands));
    await command(store, i);
  }
  await store.close();
  const afterBurst = sizeOnDisk(path);
  clock.advance(2 * DAY);
  // A restart two days later: opening purges, as a long-running bot does every 500 writes.
  const reopened = SqliteStore.open({ path, clock, auditRetentionDays: 90 });
  await command(reopened, commands);
  await reopened.close();
  return { afterBurst, twoDaysLater: sizeOnDisk(path) };
}

async function steady(
  dir: string,
  commands: number,
  perDay: number,
): Promise<Record<string, number>> {
  const path = join(dir, `steady-${perDay}.db`);
  const clock = manualClock(T0);
  const store = SqliteStore.open({ path, clock, auditRetentionDays: 90 });
  for (let i = 0; i < commands; i++) {
    clock.advance(Math.floor(DAY / perDay));
    await command(store, i);
  }
  await store.close();
  return { days: Math.round((commands / perDay) * 10) / 10, size: sizeOnDisk(path) };
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--commands');
  const commands = flag > 0 ? Number(process.argv[flag + 1]) : 100_000;
  if (!Number.isInteger(commands) || commands < 1) throw new Error('--commands needs a number');
  const dir = mkdtempSync(join(tmpdir(), 'store-size-'));
  try {
    const started = Date.now();
    const b = await burst(dir, commands);
    const daily = await steady(dir, commands, 1000);
    const slow = await steady(dir, commands, 200);
    process.stdout.write(
      [
        `SQLite file size after ${commands.toLocaleString('en')} commands (dedupe row + audit record each)`,
        `  burst, right after (one day):     ${mb(b.afterBurst!)} (${Math.round(b.afterBurst! / commands)} bytes/command)`,
        `  burst, restarted two days later:  ${mb(b.twoDaysLater!)}`,
        `  steady 1,000/day for ${daily.days} days:  ${mb(daily.size!)}`,
        `  steady 200/day for ${slow.days} days:    ${mb(slow.size!)}`,
        `  (${((Date.now() - started) / 1000).toFixed(0)} s)`,
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
