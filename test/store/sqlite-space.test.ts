import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { manualClock } from '../../src/clock/clock';
import { sqliteMigrations } from '../../src/store/sqlite-migrations';
import { SqliteStore } from '../../src/store/sqlite-store';

const DAY = 24 * 3600_000;
const dir = mkdtempSync(join(tmpdir(), 'sqlite-space-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The file as it rests: closing the last connection checkpoints the WAL into it. */
const sizeOf = (path: string) => statSync(path).size;

/** Running for months: deleted rows give their space back instead of leaving the file at its peak. */
describe('SqliteStore file size', () => {
  it('gives the space of expired dedupe rows and old audit records back to the file system', async () => {
    const path = join(dir, 'burst.db');
    const clock = manualClock(1_700_000_000_000);
    const store = SqliteStore.open({ path, clock, auditRetentionDays: 30 });
    for (let i = 0; i < 4000; i++) {
      await store.put('dedupe', `event:${i}`, { at: i, padding: 'x'.repeat(300) }, { ttlMs: DAY });
      await store.appendAudit({
        actor: { id: `user-${i % 7}`, name: 'Someone' },
        action: 'deploy',
        detail: `deploy custom-qa model v${i} ${'y'.repeat(200)}`,
        outcome: 'ok',
      });
    }
    await store.close();
    const peak = sizeOf(path);
    expect(peak).toBeGreaterThan(2_000_000);

    clock.advance(31 * DAY);
    // Opening purges: the dedupe rows' day and the audit records' 30 days have passed.
    const reopened = SqliteStore.open({ path, clock, auditRetentionDays: 30 });
    expect(await reopened.queryAudit()).toEqual([]);
    await reopened.close();
    expect(sizeOf(path)).toBeLessThan(peak / 4);
  });

  it('turns incremental auto-vacuum on for a file an older release created, keeping its data', async () => {
    const path = join(dir, 'old-release.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    sqliteMigrations.forEach((migration) => migration(old));
    old.pragma(`user_version = ${sqliteMigrations.length}`);
    old
      .prepare('INSERT INTO audit (at, actor_id, record) VALUES (?, ?, ?)')
      .run(1000, 'ana', JSON.stringify({ at: 1000, actor: { id: 'ana', name: 'Ana' } }));
    expect(old.pragma('auto_vacuum', { simple: true })).toBe(0);
    old.close();

    const store = SqliteStore.open({ path, clock: manualClock(2000) });
    expect((await store.queryAudit()).map((r) => r.actor.id)).toEqual(['ana']);
    await store.close();
    const check = new Database(path, { readonly: true });
    try {
      expect(check.pragma('auto_vacuum', { simple: true })).toBe(2);
    } finally {
      check.close();
    }
  });
});
