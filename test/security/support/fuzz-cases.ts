import { CARD_VERBS } from '../../../src/cards/card-verbs';
import { cardActionActivity, messageActivity } from '../../support/activities';
import {
  mutate,
  NASTY_STRINGS,
  randomObject,
  randomString,
  randomValue,
  type Rng,
} from './fuzz-values';

// The fuzz cases: activities and card actions for /api/messages, service hook bodies for
// /api/ado-events. Card clicks name a REAL pending approval and run (`Ids`).

export interface Ids {
  approvalId: string;
  runId: number;
  connector: string;
}

export const ACTIVITY_FIELDS = [
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

export function safeValues(ids: Ids): Record<string, unknown[]> {
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

export function randomActivity(r: Rng, ids: Ids): { body: unknown; raw?: string } {
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

export const EVENT_FIELDS = [
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

export function randomWebhook(
  r: Rng,
  ids: Ids,
): { body: unknown; raw?: string; contentType?: string } {
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
