import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { manualClock } from '../../src/clock/clock';
import { sqliteMigrations } from '../../src/store/sqlite-migrations';
import { SqliteStore } from '../../src/store/sqlite-store';
import { StoreError } from '../../src/store/store-error';
import { runStoreContract } from './store-contract';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
let n = 0;
const freshPath = () => join(dir, `nested-${++n}`, 'chatops.db');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('SqliteStore', async (clock, options) =>
  SqliteStore.open({ path: freshPath(), clock, ...options }),
);

describe('SqliteStore specifics', () => {
  it('creates the folder and file, and keeps everything across close and reopen', async () => {
    const path = freshPath();
    const clock = manualClock(1000);
    const store = SqliteStore.open({ path, clock });
    expect(existsSync(path)).toBe(true);
    await store.put('settings', 'channel', { id: '19:abc' }, { ttlMs: 10_000 });
    await store.appendAudit({
      actor: { id: 'ana', name: 'Ana' },
      action: 'deploy',
      detail: 'qa',
      outcome: 'ok',
    });
    await store.enqueue('events', 'e1', { kind: 'build.complete' });
    await store.acquireLease('poller', 'replica-a', 60_000);
    await store.close();

    const reopened = SqliteStore.open({ path, clock });
    try {
      expect(await reopened.get('settings', 'channel')).toMatchObject({
        value: { id: '19:abc' },
        expiresAt: 11_000,
      });
      expect(await reopened.queryAudit()).toEqual([
        {
          at: 1000,
          actor: { id: 'ana', name: 'Ana' },
          action: 'deploy',
          detail: 'qa',
          outcome: 'ok',
        },
      ]);
      expect(await reopened.queueLength('events')).toBe(1);
      expect(await reopened.acquireLease('poller', 'replica-b', 1000)).toBe(false);
    } finally {
      await reopened.close();
    }
  });

  it('migrates an existing empty file to the current schema version', async () => {
    const path = join(dir, 'empty.db');
    writeFileSync(path, '');
    const store = SqliteStore.open({ path });
    await store.put('settings', 'k', 1);
    await store.close();
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(sqliteMigrations.length);
      const tables = raw
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all();
      expect(tables).toEqual(
        expect.arrayContaining([
          { name: 'docs' },
          { name: 'audit' },
          { name: 'leases' },
          { name: 'queue_poison' },
        ]),
      );
    } finally {
      raw.close();
    }
  });

  it('migrates a file of the first release: its audit log stays, dead letters and codes work', async () => {
    const path = join(dir, 'release-1.db');
    const old = new Database(path);
    sqliteMigrations[0]!(old);
    old.pragma('user_version = 1');
    old.prepare('INSERT INTO audit (at, actor_id, record) VALUES (?, ?, ?)').run(
      Date.now(),
      'ana',
      JSON.stringify({
        actor: { id: 'ana', name: 'Ana' },
        action: 'deploy',
        detail: 'qa',
        outcome: 'ok',
        at: Date.now(),
      }),
    );
    old.close();
    const store = SqliteStore.open({ path });
    try {
      await store.appendAudit({
        actor: { id: 'bo', name: 'Bo' },
        action: 'lock',
        detail: 'prod',
        outcome: 'refused',
        code: 'refused:locked',
      });
      expect((await store.queryAudit()).map((r) => [r.action, r.code])).toEqual([
        ['lock', 'refused:locked'],
        ['deploy', undefined],
      ]);
      await store.enqueue('outbox', 'o1', { conversationId: 'c' });
      await store.claim('outbox', 1, 1000);
      await store.deadLetter('outbox', 'o1', '403 Forbidden');
      expect(await store.listPoison('outbox')).toEqual([
        expect.objectContaining({ id: 'o1', attempts: 1, error: '403 Forbidden' }),
      ]);
    } finally {
      await store.close();
    }
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.prepare('SELECT code FROM audit ORDER BY seq').all()).toEqual([
        { code: null },
        { code: 'refused:locked' },
      ]);
    } finally {
      raw.close();
    }
  });

  it('refuses a database written by a newer schema', () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => SqliteStore.open({ path })).toThrow(
      expect.objectContaining({ code: 'schemaTooNew' }),
    );
  });

  it('reports a corrupt file as a StoreError naming the file and the fix', () => {
    const path = join(dir, 'corrupt.db');
    writeFileSync(path, Buffer.alloc(8192, 'not a database, just text. '));
    let error: unknown;
    try {
      SqliteStore.open({ path });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'corrupt' });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/move the file .* aside/);
  });

  it('reports a database locked by another process as a StoreError', async () => {
    const path = freshPath();
    const store = SqliteStore.open({ path, busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    try {
      await expect(store.put('settings', 'k', 1)).rejects.toMatchObject({
        code: 'locked',
        message: expect.stringContaining(path),
      });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await expect(store.put('settings', 'k', 1)).resolves.toMatchObject({ ok: true });
    await store.close();
  });

  it('bounds its page cache to 2 MB (better-sqlite3 builds with 16 MB; RSS grew with the audit log)', async () => {
    const store = SqliteStore.open({ path: freshPath() });
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('cache_size', { simple: true })).toBe(-2000);
    await store.close();
  });

  it('rejects use after close', async () => {
    const store = SqliteStore.open({ path: freshPath() });
    await store.close();
    await expect(store.get('settings', 'k')).rejects.toMatchObject({ code: 'closed' });
  });

  it('purges expired documents', async () => {
    const clock = manualClock(0);
    const store = SqliteStore.open({ path: freshPath(), clock });
    await store.put('dedupe', 'a', 1, { ttlMs: 10 });
    await store.put('dedupe', 'b', 1);
    clock.advance(10);
    expect(await store.purgeExpired()).toBe(1);
    expect((await store.list('dedupe')).map((d) => d.key)).toEqual(['b']);
    await store.close();
  });

  describe('two replicas on the same file', () => {
    const clock = manualClock(0);
    let a: SqliteStore;
    let b: SqliteStore;
    beforeEach(() => {
      const path = freshPath();
      a = SqliteStore.open({ path, clock });
      b = SqliteStore.open({ path, clock });
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });

    it('respects compare-and-set between replicas', async () => {
      const created = await Promise.all([
        a.put('locks', 'prod', 'a', { etag: null }),
        b.put('locks', 'prod', 'b', { etag: null }),
      ]);
      expect(created.filter((r) => r.ok)).toHaveLength(1);
      const doc = await b.get('locks', 'prod');
      if (!doc) throw new Error('missing');
      expect((await a.put('locks', 'prod', 'a2', { etag: doc.etag })).ok).toBe(true);
      expect((await b.put('locks', 'prod', 'b2', { etag: doc.etag })).ok).toBe(false);
      expect((await b.get('locks', 'prod'))?.value).toBe('a2');
    });

    it('respects leases and queue claims between replicas', async () => {
      expect(await a.acquireLease('poller', 'a', 1000)).toBe(true);
      expect(await b.acquireLease('poller', 'b', 1000)).toBe(false);
      clock.advance(1000);
      expect(await b.acquireLease('poller', 'b', 1000)).toBe(true);
      expect(await a.acquireLease('poller', 'a', 1000)).toBe(false);

      await a.enqueue('events', 'e1', 1);
      expect(await b.enqueue('events', 'e1', 2)).toBe(false);
      const claims = await Promise.all([a.claim('events', 1, 1000), b.claim('events', 1, 1000)]);
      expect(claims.flat()).toHaveLength(1);
    });
  });
});
