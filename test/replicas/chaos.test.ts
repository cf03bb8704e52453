import { writeFileSync } from 'node:fs';
import { postActivity } from '../support/activities';
import type { ConnectorCall } from '../support/fake-connector';
import {
  BURSTS,
  FAILING_QA,
  NON_PROD,
  OPS,
  OUTAGE_MS,
  PROD,
  notice,
  posts0,
  runCardsIn,
  startChaosRig,
  type Ask,
  type ChaosRig,
} from './chaos-kit';
import {
  RELEASE,
  buttonData,
  chatActivity,
  clickActivity,
  eventually,
  isRunCard,
  runState,
  say,
  sleep,
  text,
} from './replica-kit';

/**
 * Chaos (issue 14): two replicas sharing Azurite, one Azure DevOps (the emulator, hooks to both),
 * one Teams whose connector refuses everything for 60 s in a fixed schedule of bursts (503 with
 * and without Retry-After, 429 with Retry-After), one replica SIGKILLed while runs move, 20 runs
 * from four chats. Every chat gets every run card exactly once, in the run's final state; every
 * pending prod approval card arrives once; Azure DevOps has no duplicate run; nothing says
 * "Something went wrong".
 */
describe('chaos: two replicas, a 60 s connector outage in bursts, a replica SIGKILLed, 20 runs', () => {
  let rig: ChaosRig;
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    rig = await startChaosRig();
  }, 120_000);

  afterAll(async () => {
    timers.forEach(clearTimeout);
    await rig?.stop();
  });

  it('every chat gets every card exactly once in its final state, and every approval card', async () => {
    const { a, b, emu, connector, logsOf } = rig;
    const started = Date.now();
    // The emulator is seeded with history: only runs after it are this test's.
    const seeded = Math.max(0, ...emu.engine.runs().map((r) => r.id));
    const ours = () => emu.engine.runs().filter((r) => r.id > seeded);
    expect(text(await say(a, connector, 'subscribe', OPS))).toMatch(/subscribed/i);

    // Before the outage: the prod questions (a click needs the card it was on).
    const questions: ConnectorCall[] = [];
    for (const [i, ask] of PROD.entries()) {
      questions.push(await say(i % 2 ? b : a, connector, ask.words, ask.chat, { from: ask.from }));
    }
    for (const q of questions) expect(text(q)).toMatch(/to Production\?/);
    for (let i = 0; i < FAILING_QA; i++) {
      emu.engine.failNext('qa', { lines: ['##[error]chaos: smoke test failed'] });
    }

    // The outage, burst by burst on a fixed schedule.
    const outageAt = Date.now();
    for (const [at, ms, status, headers] of BURSTS) {
      timers.push(setTimeout(() => connector.failFor(ms, status, headers), at));
    }
    await sleep(50);

    // Confirm every prod deploy (half on each replica) and ask for the rest, staggered, while the
    // channel refuses: each turn hands its reply to the outbox.
    /** Which request queued each run (every turn queues its run before it answers). */
    const askOf = new Map<number, Ask>();
    const newRun = async (ask: Ask) => {
      const run = await eventually(
        () => ours().find((r) => !askOf.has(r.id)),
        15_000,
        `the run of "${ask.words}" in ${ask.chat}`,
      );
      askOf.set(run.id, ask);
    };
    for (const [i, q] of questions.entries()) {
      const ask = PROD[i]!;
      const click = clickActivity(
        connector,
        'confirm.accept',
        buttonData(q, 'confirm.accept'),
        ask.chat,
        q.id,
        { from: ask.from },
      );
      const res = await postActivity((i % 2 ? b : a).url, click);
      expect(res.status).toBe(200);
      await newRun(ask);
    }
    // B takes the first half of the commands, then dies with their runs moving and their cards
    // in the outbox; A takes the rest.
    const half = NON_PROD.length / 2;
    let killedAt = 0;
    for (const [i, ask] of NON_PROD.entries()) {
      const bot = i < half ? (i % 2 ? b : a) : a;
      const activity = chatActivity(connector, ask.words, ask.chat, { from: ask.from });
      const res = await postActivity(bot.url, activity);
      expect(res.status).toBe(200);
      await newRun(ask);
      if (i === half - 1) {
        // Runs B queued are still moving (tasks of 400 ms), its cards undelivered.
        expect(ours().some((r) => r.status !== 'completed')).toBe(true);
        await b.kill9();
        killedAt = Date.now() - outageAt;
      }
      await sleep(400);
    }

    // 20 runs, one per request: none lost, none queued twice.
    const runs = await eventually(
      () => {
        const all = ours();
        return all.length >= PROD.length + NON_PROD.length && all;
      },
      30_000,
      'every run queued',
    );
    expect(runs).toHaveLength(PROD.length + NON_PROD.length);
    const prodRuns = runs.filter((r) => r.pipelineKey === 'prod');
    expect(prodRuns).toHaveLength(PROD.length);

    // After the outage: decide the approvals (through the survivor).
    await sleep(Math.max(0, outageAt + OUTAGE_MS - Date.now()));
    for (const run of prodRuns) {
      await emu.engine.waitFor(
        run.id,
        () => emu.engine.pendingApprovals(run.id).length === 1,
        30_000,
      );
    }
    for (const run of prodRuns) {
      const ask = askOf.get(run.id)!;
      const verb = ask.end === 'Rejected' ? 'reject' : 'approve';
      const answer = await say(a, connector, `${verb} ${run.id} chaos`, ask.chat, {
        from: RELEASE,
      });
      expect(text(answer)).toMatch(verb === 'reject' ? /rejected/i : /approved/i);
    }
    for (const run of runs) {
      await emu.engine.waitFor(run.id, (r) => r.status === 'completed', 30_000);
    }

    // What each chat should hold: its own runs' cards, and every run's card in OPS.
    const finalState = (run: (typeof runs)[number]) =>
      run.pipelineKey === 'prod'
        ? askOf.get(run.id)!.end
        : run.result === 'failed'
          ? 'Failed'
          : 'Succeeded';
    const expected: [string, number, string][] = [];
    for (const run of runs) {
      const chat = askOf.get(run.id)!.chat;
      expected.push([OPS, run.id, finalState(run)]);
      if (chat !== OPS) expected.push([chat, run.id, finalState(run)]);
    }
    const failed = ours().filter((r) => r.pipelineKey !== 'prod' && r.result === 'failed');
    expect(failed.map((r) => r.pipelineKey)).toEqual(Array(FAILING_QA).fill('qa'));

    const lastOf = (conversationId: string, runId: number) => {
      const calls = runCardsIn(connector, conversationId, runId);
      const posts = calls.filter((c) => c.method === 'POST');
      if (posts.length !== 1) return undefined;
      return [posts[0]!, ...calls.filter((c) => c.method === 'PUT' && c.id === posts[0]!.id)].at(
        -1,
      )!;
    };
    await eventually(
      () => expected.every(([conv, id, state]) => runState(lastOf(conv, id) ?? posts0()) === state),
      // The killed replica's outbox claims lapse (60 s) and 503 back-off caps at 30 s.
      90_000,
      'every card in its final state',
    ).catch((err: Error) => {
      const wrong = expected
        .filter(([conv, id, state]) => runState(lastOf(conv, id) ?? posts0()) !== state)
        .map(
          ([conv, id, state]) =>
            `${conv} #${id}: want ${state}, posts ${runCardsIn(connector, conv, id).filter((c) => c.method === 'POST').length}, last ${runState(lastOf(conv, id) ?? posts0())}`,
        );
      if (process.env.CHAOS_DUMP) {
        writeFileSync(
          process.env.CHAOS_DUMP,
          JSON.stringify({ wrong, askOf: [...askOf], calls: connector.calls, logs: logsOf() }),
        );
      }
      throw new Error(`${err.message}\n${wrong.join('\n')}\n${logsOf().slice(-3_000)}`);
    });
    // Anything still in an outbox would land now.
    await sleep(3_000);
    if (process.env.CHAOS_DUMP) {
      writeFileSync(
        process.env.CHAOS_DUMP,
        JSON.stringify({ askOf: [...askOf], calls: connector.calls, logs: logsOf() }),
      );
    }

    // Exactly one card (one POST) per chat and run; no card for a run in a chat that did not ask.
    let cards = 0;
    for (const [conv, id] of expected) {
      expect([
        conv,
        id,
        runCardsIn(connector, conv, id).filter((c) => c.method === 'POST'),
      ]).toEqual([conv, id, [expect.anything()]]);
      cards++;
    }
    for (const run of runs) {
      const chats = new Set(
        connector.calls
          .filter((c) => isRunCard(c, run.id) && !notice(c))
          .map((c) => c.conversationId),
      );
      expect(chats.size).toBe(expected.filter(([, id]) => id === run.id).length);
    }
    // Every prod approval card arrived in OPS, once: pending, or (when it was decided while the
    // outage held it in the outbox) already showing the decision, never stale buttons.
    for (const run of prodRuns) {
      const approvals = connector.calls.filter(
        (c) =>
          c.conversationId === OPS &&
          c.method === 'POST' &&
          // Outside local mode the shared view has no buttons (approvers get theirs on refresh).
          /"(Waiting for approval|Approved|Rejected): Production/.test(text(c)) &&
          text(c).includes(`buildId=${run.id}"`),
      );
      expect([run.id, approvals.length]).toEqual([run.id, 1]);
    }
    expect(
      [...connector.calls, ...connector.refused].filter((c) =>
        text(c).includes('Something went wrong'),
      ),
    ).toEqual([]);
    // No run queued twice: one per request, each with its own correlation id.
    expect(ours()).toHaveLength(PROD.length + NON_PROD.length);
    const requestIds = ours().map((r) => r.templateParameters['chatopsRequestId']);
    expect(new Set(requestIds).size).toBe(requestIds.length);

    const kinds = BURSTS.map(
      ([, ms, status, h]) =>
        `${ms / 1000}s ${status}${h['retry-after'] ? ` RA=${h['retry-after']}` : ''}`,
    );
    process.stdout.write(
      `chaos: outages ${kinds.join(', ')}; killed ${b.pid} at +${Math.round(killedAt / 1000)}s; ` +
        `${runs.length} runs, 4 chats, ${cards} run cards + ${prodRuns.length} approval cards, ` +
        `${connector.refused.length} refused calls, wall ${Math.round((Date.now() - started) / 1000)}s\n`,
    );
  }, 300_000);
});
