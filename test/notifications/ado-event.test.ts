import { parseAdoEvent } from '../../src/notifications/ado-event';
import { checkWebhookAuth, isLoopback } from '../../src/notifications/check-webhook-auth';
import { runEventFromEnvelope } from '../../src/notifications/run-event';
import { catalog } from './notification-fixtures';

const PROD = '[Manual]-[Prod]-deployment';
const runState = {
  id: '396613fe-0d2d-4e92-b2ef-8070fce07d87',
  eventType: 'ms.vss-pipelines.run-state-changed-event',
  resource: {
    run: {
      id: 479,
      name: '20191002.2',
      state: 'completed',
      result: 'failed',
      resources: { repositories: { self: { refName: 'refs/heads/main' } } },
    },
    pipeline: { id: 7, name: PROD },
  },
};
/** The documented approval sample: context fields null (reference §4.5). */
const approvalNulls = {
  id: '55382df7-24fa-453c-9173-3369b2417a5b',
  eventType: 'ms.vss-pipelinechecks-events.approval-pending',
  message: { text: 'Approval pending', html: null, markdown: null },
  resource: {
    approval: { id: '0f027b05-0942-4a35-9218-26fa07d8760a', status: 'pending', steps: [] },
    projectId: 'p',
    pipeline: null,
    stage: null,
    run: null,
    resource: null,
    id: 0,
    url: null,
    stageName: null,
    attemptId: 0,
  },
  createdDate: null,
};

describe('parseAdoEvent', () => {
  it('accepts the reference envelopes and maps them to run events', () => {
    const parsed = parseAdoEvent(runState);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(runEventFromEnvelope(parsed.event, catalog)).toEqual({
      id: runState.id,
      source: 'webhook',
      runId: 479,
      kind: 'completed',
      pipelineName: PROD,
      pipelineKey: 'prod',
      environment: 'prod',
      result: 'failed',
      branch: 'refs/heads/main',
    });
  });

  it('tolerates nulls in optional fields (approval with no run: resolved later by approval id)', () => {
    const parsed = parseAdoEvent(approvalNulls);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const event = runEventFromEnvelope(parsed.event, catalog);
    expect(event.runId).toBeUndefined();
    expect(event).toMatchObject({
      kind: 'waitingForApproval',
      approval: { id: approvalNulls.resource.approval.id, pending: true },
    });
  });

  it('maps a populated approval, stage and build.complete event', () => {
    const approval = parseAdoEvent({
      ...approvalNulls,
      resource: {
        ...approvalNulls.resource,
        pipeline: { id: 7, name: PROD },
        run: { id: 42 },
        resource: { type: 'environment', name: 'prod' },
      },
    });
    expect(approval.ok && runEventFromEnvelope(approval.event, catalog)).toMatchObject({
      runId: 42,
      pipelineKey: 'prod',
      environment: 'prod',
    });
    const stage = parseAdoEvent({
      id: 's1',
      eventType: 'ms.vss-pipelines.stage-state-changed-event',
      resource: {
        stage: { name: 'Deploy_Prod', state: 'running' },
        run: { id: 42 },
        pipeline: { name: PROD },
      },
    });
    expect(stage.ok && runEventFromEnvelope(stage.event, catalog)).toMatchObject({
      kind: 'stageChanged',
      environment: 'prod',
    });
    const build = parseAdoEvent({
      id: 'b1',
      eventType: 'build.complete',
      resource: {
        id: 42,
        status: 'completed',
        result: 'succeeded',
        sourceBranch: 'refs/heads/main',
        definition: { id: 7, name: PROD },
      },
    });
    expect(build.ok && runEventFromEnvelope(build.event, catalog)).toMatchObject({
      kind: 'completed',
      result: 'succeeded',
      runId: 42,
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['an array', [runState], /JSON object/],
    ['null', null, /JSON object/],
    [
      'an unknown event type',
      { ...runState, eventType: 'git.push' },
      /unsupported eventType "git.push"/,
    ],
    ['no event type', { id: 'x', resource: {} }, /unsupported eventType null/],
    ['a run without id', { ...runState, resource: { run: { name: 'x' } } }, /resource.run.id/],
    ['an id that is not key-safe', { ...runState, id: '../../etc' }, /^invalid .*: id/],
    ['a string resource', { ...runState, resource: 'x' }, /resource/],
  ])('rejects %s', (_name, body, problem) => {
    const parsed = parseAdoEvent(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});

describe('checkWebhookAuth', () => {
  const secret = 's3cr3t-s3cr3t-s3cr3t';
  const basic = (user: string, pass: string) =>
    `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  it.each<[string, Record<string, string>, string | undefined, string, boolean]>([
    ['basic-auth password', { authorization: basic('ado', secret) }, secret, '10.0.0.1', true],
    ['custom header', { 'x-chatops-secret': secret }, secret, '10.0.0.1', true],
    ['wrong password', { authorization: basic('ado', 'nope') }, secret, '127.0.0.1', false],
    ['wrong header', { 'x-chatops-secret': `${secret}x` }, secret, '127.0.0.1', false],
    ['nothing', {}, secret, '127.0.0.1', false],
    ['no secret configured, loopback', {}, undefined, '::ffff:127.0.0.1', true],
    ['no secret configured, remote', {}, undefined, '10.1.2.3', false],
  ])('%s', (_name, headers, configured, remoteAddress, ok) => {
    expect(checkWebhookAuth({ headers, secret: configured, remoteAddress }).ok).toBe(ok);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.9'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', undefined].some(isLoopback)).toBe(false);
  });
});
