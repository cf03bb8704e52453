import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import restify from 'restify';
import { CARD_VERBS } from '../../src/cards/card-verbs';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createAdoDevOps } from '../../src/devops/ado-devops';
import type { Emulator } from '../../src/emulator/start-emulator';
import { cardActionActivity, messageActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

/**
 * Thousands of random and mutated requests at the two public endpoints, in local mode (no Bot
 * Framework auth, every chat user holds every role: the most permissive configuration). Nothing
 * may answer 5xx (except 501, botbuilder's answer to invoke names the bot does not implement),
 * crash the process, pollute prototypes, or reach Azure DevOps: no run queued or cancelled, no
 * approval decided — forged card clicks carry the ids of a REAL pending approval and run.
 */

const SEED = 0x5eed1e55;
const ACTIVITY_CASES = 5000;
const WEBHOOK_CASES = 5000;
const CONCURRENCY = 24;
const ROUTE_FILE = join(__dirname, '../../src/notifications/ado-events-route.ts');

/** mulberry32: small, seedable, good enough to spread cases; failures are reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '$root',
  '${x}',
];
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202e\u202d',
  '\uD800',
  '\uFEFF',
  '𝔰𝔱𝔞𝔱𝔲𝔰',
  'ﬁ ß İ ı',
  '👩‍👩‍👧‍👦🚀',
  'e\u0301\u0301\u0301\u0301',
  '<at>DigitRE</at>',
  '${7*7} {{constructor.constructor("x")()}}',
  '"; DROP TABLE runs; --',
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  'javascript:alert(1)',
  '<script>alert(1)</script>',
  '\r\nSet-Cookie: x=y',
  'NaN',
  '-1',
  '9007199254740993',
  '1e309',
];
const NUMBERS = [0, -1, 1.5, 2 ** 53 + 1, -(2 ** 31), Number.MAX_VALUE, 1e-300];

function randomString(r: Rng): string {
  const roll = r.int(10);
  if (roll < 4) return r.pick(NASTY_STRINGS);
  if (roll < 8) {
    let s = '';
    const len = r.int(40);
    for (let i = 0; i < len; i++)
      s += String.fromCodePoint(r.chance(0.7) ? 32 + r.int(95) : r.int(0x10ffff + 1) & 0xffff);
    return s;
  }
  if (roll < 9) return r.pick(NASTY_STRINGS).repeat(1 + r.int(2000));
  return 'x'.repeat(r.chance(0.2) ? 120_000 : 5_000);
}

function randomValue(r: Rng, depth = 0): unknown {
  const roll = r.int(depth > 3 ? 6 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick(NUMBERS);
    case 3:
    case 4:
    case 5:
      return randomString(r);
    case 6:
      return Array.from({ length: r.int(5) }, () => randomValue(r, depth + 1));
    default:
      return randomObject(r, depth + 1);
  }
}

/** Objects with own `__proto__`/`constructor` keys (computed keys make real properties). */
function randomObject(r: Rng, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const n = r.int(5);
  for (let i = 0; i < n; i++) {
    const key = r.chance(0.4) ? r.pick(NASTY_KEYS) : randomString(r).slice(0, 30);
    Object.defineProperty(o, key, {
      value: r.chance(0.3) ? { polluted: 'yes', isAdmin: true } : randomValue(r, depth + 1),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return o;
}

/** Deletes, retypes or replaces one field (a path into the object). */
function mutate(
  r: Rng,
  base: Record<string, unknown>,
  fields: string[][],
  safe: Record<string, unknown[]>,
): void {
  const path = r.pick(fields);
  let target: Record<string, unknown> = base;
  for (const k of path.slice(0, -1)) {
    const next = target[k];
    if (!next || typeof next !== 'object') return;
    target = next as Record<string, unknown>;
  }
  const key = path[path.length - 1]!;
  const choices = safe[path.join('.')];
  const roll = r.int(4);
  if (choices) target[key] = r.pick(choices);
  else if (roll === 0) delete target[key];
  else if (roll === 1) target[key] = randomValue(r);
  else if (roll === 2) target[key] = randomObject(r);
  else
    Object.defineProperty(target, r.pick(NASTY_KEYS), {
      value: randomValue(r),
      enumerable: true,
      configurable: true,
      writable: true,
    });
}

interface Ids {
  approvalId: string;
  runId: number;
  connector: string;
}

const ACTIVITY_FIELDS = [
  ['type'],
  ['id'],
  ['from'],
  ['from', 'id'],
  ['from', 'aadObjectId'],
  ['from', 'userPrincipalName'],
  ['conversation'],
  ['conversation', 'id'],
  ['conversation', 'conversationType'],
  ['recipient'],
  ['channelId'],
  ['serviceUrl'],
  ['text'],
  ['channelData'],
  ['channelData', 'tenant'],
  ['entities'],
  ['attachments'],
  ['value'],
  ['timestamp'],
  ['locale'],
  ['replyToId'],
  ['name'],
  ['value', 'action'],
  ['value', 'action', 'verb'],
  ['value', 'action', 'data'],
  ['value', 'action', 'type'],
  ['value', 'action', 'data', 'approvalId'],
  ['value', 'action', 'data', 'runId'],
  ['value', 'action', 'data', 'token'],
];

function safeValues(ids: Ids): Record<string, unknown[]> {
  return {
    // Never a host outside this machine: the bot replies to serviceUrl.
    serviceUrl: [undefined, 42, 'not a url', 'http://127.0.0.1:1/', `${ids.connector}x/y/`, ''],
    type: [
      'message',
      'invoke',
      'event',
      'conversationUpdate',
      'messageReaction',
      'installationUpdate',
      'typing',
      'endOfConversation',
      'bogus',
      '',
      7,
      null,
    ],
    name: [
      'adaptiveCard/action',
      'composeExtension/query',
      'task/fetch',
      'signin/verifyState',
      'bogus',
      '',
      null,
      3,
    ],
    'value.action.verb': [
      ...Object.values(CARD_VERBS),
      'approval.approve ',
      'APPROVAL.APPROVE',
      '__proto__',
      '',
      null,
      1,
    ],
    'value.action.data.approvalId': [
      ids.approvalId,
      `${ids.approvalId}x`,
      '',
      null,
      12,
      ['a'],
      { $ne: null },
    ],
    'value.action.data.runId': [ids.runId, String(ids.runId), -1, 0, 1e300, null, [ids.runId]],
    'value.action.data.token': ['', 'x', 'a'.repeat(64), null, 5],
    // Read-only commands only: the fuzz must not ask for a deploy by accident.
    // (and cheap ones: 'status' would cost several emulator calls per case).
    text: ['help', 'whoami', 'help deploy', 'locks', ...NASTY_STRINGS, 'x'.repeat(200_000)],
  };
}

function randomActivity(r: Rng, ids: Ids): { body: unknown; raw?: string } {
  const o = { serviceUrl: ids.connector, id: `fuzz-${r.next().toString(36).slice(2)}` };
  const roll = r.int(20);
  if (roll < 2) {
    const raw = r.pick([
      '',
      'null',
      '[]',
      '[{}]',
      '42',
      '"str"',
      '{',
      '{"type":',
      'true',
      '{"type":"message"}{}',
      '\u0000',
      '{"a":'.repeat(5000),
    ]);
    return { body: undefined, raw };
  }
  if (roll < 3) {
    let deep: unknown = {};
    for (let i = 0; i < 2000; i++) deep = { a: deep };
    return { body: { ...messageActivity('status', o), channelData: deep } };
  }
  if (roll < 4) return { body: randomObject(r) };
  let base: Record<string, unknown>;
  if (roll < 10) {
    const verb = r.chance(0.8) ? r.pick(Object.values(CARD_VERBS)) : randomString(r);
    const data: Record<string, unknown> = r.chance(0.5)
      ? {
          approvalId: ids.approvalId,
          runId: ids.runId,
          decision: 'approved',
          comment: randomString(r),
        }
      : randomObject(r);
    base = cardActionActivity(verb, data, o);
  } else {
    base = messageActivity(r.pick(safeValues(ids).text as string[]), o);
  }
  const safe = safeValues(ids);
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) mutate(r, base, ACTIVITY_FIELDS, safe);
  return { body: base };
}

const EVENT_FIELDS = [
  ['id'],
  ['eventType'],
  ['publisherId'],
  ['resource'],
  ['resourceVersion'],
  ['createdDate'],
  ['resource', 'run'],
  ['resource', 'run', 'id'],
  ['resource', 'run', 'state'],
  ['resource', 'run', 'result'],
  ['resource', 'pipeline'],
  ['resource', 'pipeline', 'id'],
  ['resource', 'approval'],
  ['resource', 'approval', 'id'],
  ['resource', 'stage'],
  ['resource', 'id'],
  ['resource', 'definition'],
  ['message'],
  ['detailedMessage'],
];

function randomWebhook(r: Rng, ids: Ids): { body: unknown; raw?: string; contentType?: string } {
  const roll = r.int(10);
  if (roll === 0) {
    return {
      body: undefined,
      raw: r.pick(['', 'null', '[]', '{', 'not json', '{"eventType":', '\u0000\u0001', '1e999']),
      contentType: r.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']),
    };
  }
  if (roll === 1) return { body: randomValue(r) };
  const eventType = r.pick([
    'ms.vss-pipelines.run-state-changed-event',
    'ms.vss-pipelines.stage-state-changed-event',
    'ms.vss-pipelinechecks-events.approval-pending',
    'ms.vss-pipelinechecks-events.approval-completed',
    'build.complete',
    'git.push',
    '',
  ]);
  const base: Record<string, unknown> = {
    id: `fuzz-evt-${r.next().toString(36).slice(2)}`,
    eventType,
    publisherId: 'pipelines',
    resourceVersion: '5.1-preview.1',
    createdDate: new Date().toISOString(),
    resource: {
      run: { id: ids.runId, name: '20250101.1', state: 'completed', result: 'succeeded' },
      pipeline: { id: 1, name: '[Manual]-[Prod]-deployment' },
      approval: { id: ids.approvalId, status: 'approved' },
      stage: { name: 'Deploy_Prod', state: 'completed' },
      id: ids.runId,
    },
  };
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i++) mutate(r, base, EVENT_FIELDS, {});
  return { body: base };
}

/** POSTs every case with bounded concurrency; returns [status, case index] for each. */
async function fire(
  url: string,
  cases: { body: unknown; raw?: string; contentType?: string }[],
): Promise<number[]> {
  const statuses: number[] = new Array<number>(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i]!;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': c.contentType ?? 'application/json' },
        body: c.raw ?? JSON.stringify(c.body),
      });
      await res.arrayBuffer();
      statuses[i] = res.status;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

/** Bodies botbuilder cannot take; src/http/create-server.ts answers them with 400 itself. */
function malformedActivity(b: Record<string, unknown> | undefined): boolean {
  return !!b && (typeof b.type !== 'string' || typeof b.serviceUrl !== 'string');
}

function prototypesClean(): boolean {
  const probe = {} as Record<string, unknown>;
  return (
    Object.keys(Object.prototype).length === 0 &&
    probe.polluted === undefined &&
    probe.isAdmin === undefined &&
    Object.keys(Array.prototype).length === 0
  );
}

describe('fuzzing the public endpoints (local mode, most permissive)', () => {
  let t: TestApp;
  let emu: Emulator;
  let ids: Ids;
  let runsBefore: number;
  const malformedStatuses: number[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  const pendingOf = (id: string) => emu.engine.pendingApprovals().some((a) => a.id === id);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    t = await startTestApp({ LOG_LEVEL: 'warn' });
    emu = t.app.emulator!;
    // A REAL pending prod approval and run, so forged clicks name ids that exist.
    const devops = createAdoDevOps({
      orgUrl: emu.orgUrl,
      project: emu.project,
      catalog: loadCatalog(join(__dirname, '../../config/digitre.yaml')),
      auth: { pat: emu.pat },
    });
    const run = await devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '1' },
      correlationId: `fuzz-${Date.now()}`,
    });
    await emu.engine.waitFor(run.id, () => emu.engine.pendingApprovals(run.id).length > 0, 15_000);
    const approval = emu.engine.pendingApprovals(run.id)[0]!;
    ids = { approvalId: approval.id, runId: run.id, connector: t.connector.url };
    runsBefore = emu.engine.runs().length;
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    jest.restoreAllMocks();
    await t?.close();
  });

  it(`${ACTIVITY_CASES} random and mutated activities and card actions: no 5xx, no effect`, async () => {
    const r = prng(SEED);
    const cases = Array.from({ length: ACTIVITY_CASES }, () => randomActivity(r, ids));
    const statuses = await fire(`${t.app.url}/api/messages`, cases);
    const bad = statuses
      .map((status, i) => ({ status, i }))
      .filter(({ status, i }) => {
        const b = cases[i]!.body as Record<string, unknown> | undefined;
        if (malformedActivity(b)) malformedStatuses.push(status);
        if (status < 500) return false;
        // botbuilder answers invoke names it does not implement with 501 Not Implemented.
        if (status === 501 && b?.type === 'invoke' && b.name !== 'adaptiveCard/action')
          return false;
        return true;
      });
    expect(
      bad.slice(0, 5).map(({ status, i }) => ({
        status,
        case: JSON.stringify(cases[i]!.body ?? cases[i]!.raw).slice(0, 300),
      })),
    ).toEqual([]);
    expect(new Set(statuses).size).toBeGreaterThan(2); // the cases really did differ
  }, 60_000);

  it('answers an activity whose type or serviceUrl is not a string with 400, before botbuilder sees it', () => {
    expect(malformedStatuses.length).toBeGreaterThan(0);
    expect(malformedStatuses.filter((s) => s !== 400)).toEqual([]);
  });

  it('left Azure DevOps untouched: no run queued or cancelled, the approval still pending', () => {
    expect(emu.engine.runs().length).toBe(runsBefore);
    expect(pendingOf(ids.approvalId)).toBe(true);
    expect(emu.engine.runs().find((x) => x.id === ids.runId)?.status).not.toMatch(/cancel/i);
  });

  it('no prototype pollution, no unhandled rejection, the server still answers', async () => {
    expect(prototypesClean()).toBe(true);
    expect(unhandled).toEqual([]);
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.app.url}/readyz`)).status).toBe(200);
  });

  const routeExists = existsSync(ROUTE_FILE);
  (routeExists ? describe : describe.skip)(
    'POST /api/ado-events (skipped only while the route file is absent)',
    () => {
      let url: string;
      let standalone: restify.Server | undefined;

      beforeAll(async () => {
        // Through the app when it serves the route; otherwise the route itself on a bare server.
        const probe = await fetch(`${t.app.url}/api/ado-events`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        });
        if (probe.status !== 404) {
          url = `${t.app.url}/api/ado-events`;
          return;
        }
        // require, not import: the file may not exist yet (this block is skipped then).
        const { registerAdoEventsRoute } =
          require('../../src/notifications/ado-events-route') as typeof import('../../src/notifications/ado-events-route');
        standalone = restify.createServer({ handleUncaughtExceptions: false });
        standalone.use(
          restify.plugins.bodyParser({
            maxBodySize: 1024 * 1024,
            mapParams: false,
            mapFiles: false,
          }),
        );
        registerAdoEventsRoute(standalone, {
          store: t.app.store,
          logger: t.app.logger,
          secret: undefined,
        });
        await new Promise<void>((resolve) => standalone!.listen(0, '127.0.0.1', () => resolve()));
        url = `http://127.0.0.1:${(standalone.server.address() as AddressInfo).port}/api/ado-events`;
      });
      afterAll(async () => {
        if (standalone) await new Promise<void>((resolve) => standalone!.close(() => resolve()));
      });

      it(`${WEBHOOK_CASES} random webhook bodies: no 5xx, no effect on Azure DevOps`, async () => {
        const r = prng(SEED ^ 0xabcdef);
        const cases = Array.from({ length: WEBHOOK_CASES }, () => randomWebhook(r, ids));
        const statuses = await fire(url, cases);
        const bad = statuses
          .map((status, i) => ({ status, i }))
          .filter(({ status }) => status >= 500);
        expect(
          bad.slice(0, 5).map(({ status, i }) => ({
            status,
            case: JSON.stringify(cases[i]!.body ?? cases[i]!.raw).slice(0, 300),
          })),
        ).toEqual([]);
        expect(statuses.some((s) => s >= 200 && s < 300)).toBe(true);
        expect(statuses.some((s) => s === 400)).toBe(true);
        expect(emu.engine.runs().length).toBe(runsBefore);
        expect(pendingOf(ids.approvalId)).toBe(true);
        expect(prototypesClean()).toBe(true);
        expect(unhandled).toEqual([]);
        expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
      }, 60_000);
    },
  );
});
