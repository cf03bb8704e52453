import { randomActivity } from './support/fuzz-cases';
import { prng } from './support/fuzz-values';
import {
  fire,
  malformedActivity,
  prototypesClean,
  SEED,
  startFuzzTarget,
  type FuzzTarget,
} from './support/fuzz-rig';

/**
 * Thousands of random and mutated activities at POST /api/messages, in local mode (no Bot
 * Framework auth, every chat user holds every role: the most permissive configuration). Nothing
 * may answer 5xx (except 501, botbuilder's answer to invoke names the bot does not implement),
 * crash the process, pollute prototypes, or reach Azure DevOps: no run queued or cancelled, no
 * approval decided — forged card clicks carry the ids of a REAL pending approval and run.
 */

const ACTIVITY_CASES = 5000;

describe('fuzzing the public endpoints (local mode, most permissive)', () => {
  let target: FuzzTarget;
  const malformedStatuses: number[] = [];

  beforeAll(async () => {
    target = await startFuzzTarget();
  });

  afterAll(async () => {
    await target?.close();
  });

  it(`${ACTIVITY_CASES} random and mutated activities and card actions: no 5xx, no effect`, async () => {
    const r = prng(SEED);
    const cases = Array.from({ length: ACTIVITY_CASES }, () => randomActivity(r, target.ids));
    const statuses = await fire(`${target.t.app.url}/api/messages`, cases);
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
  }, 120_000);

  it('answers an activity whose type or serviceUrl is not a string with 400, before botbuilder sees it', () => {
    expect(malformedStatuses.length).toBeGreaterThan(0);
    expect(malformedStatuses.filter((s) => s !== 400)).toEqual([]);
  });

  it('left Azure DevOps untouched: no run queued or cancelled, the approval still pending', () => {
    const { emu, ids, runsBefore } = target;
    expect(emu.engine.runs().length).toBe(runsBefore);
    expect(target.pendingOf(ids.approvalId)).toBe(true);
    expect(emu.engine.runs().find((x) => x.id === ids.runId)?.status).not.toMatch(/cancel/i);
  });

  it('no prototype pollution, no unhandled rejection, the server still answers', async () => {
    expect(prototypesClean()).toBe(true);
    expect(target.unhandled).toEqual([]);
    expect((await fetch(`${target.t.app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${target.t.app.url}/readyz`)).status).toBe(200);
  });
});
