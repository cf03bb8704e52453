import { z } from 'zod';

/** The service-hook event types the bot accepts (reference §4.1). */
export const ADO_EVENT_TYPES = [
  'ms.vss-pipelines.run-state-changed-event',
  'ms.vss-pipelines.stage-state-changed-event',
  'ms.vss-pipelinechecks-events.approval-pending',
  'ms.vss-pipelinechecks-events.approval-completed',
  'build.complete',
] as const;

export type AdoEventType = (typeof ADO_EVENT_TYPES)[number];

/** Store queue of accepted service-hook envelopes, id = the envelope's event id. */
export const ADO_EVENTS_QUEUE = 'ado-events';

// Azure DevOps leaves context fields null in some payloads (reference §4.5): every optional
// field accepts null as well as absence, and unknown fields pass through untouched.
const text = z.string().nullish();
const num = z.number().nullish();
const pipelineRef = z.object({ id: num, name: text, url: text }).passthrough().nullish();
const repositories = z
  .object({
    self: z.object({ refName: text }).passthrough().nullish(),
  })
  .passthrough()
  .nullish();
const runRef = z
  .object({
    id: z.number().int().positive(),
    name: text,
    state: text,
    result: text,
    pipeline: pipelineRef,
    resources: z.object({ repositories }).passthrough().nullish(),
  })
  .passthrough();

const runStateResource = z.object({ run: runRef, pipeline: pipelineRef }).passthrough();

const stageStateResource = z
  .object({
    stage: z
      .object({ id: text, name: text, displayName: text, state: text, result: text })
      .passthrough()
      .nullish(),
    run: runRef,
    pipeline: pipelineRef,
  })
  .passthrough();

const approvalResource = z
  .object({
    approval: z.object({ id: z.string().min(1).max(100), status: text }).passthrough(),
    pipeline: pipelineRef,
    run: runRef.partial({ id: true }).nullish(),
    stage: z.object({ name: text, state: text }).passthrough().nullish(),
    resource: z.object({ type: text, id: text, name: text }).passthrough().nullish(),
    id: num,
    stageName: text,
  })
  .passthrough();

const buildResource = z
  .object({
    id: z.number().int().positive(),
    status: text,
    result: text,
    sourceBranch: text,
    definition: z.object({ id: num, name: text }).passthrough().nullish(),
  })
  .passthrough();

/** Ids are used as store keys: GUIDs in practice, something key-safe in any case. */
const eventId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be a short id (letters, digits, .-_:)');

const common = {
  id: eventId,
  subscriptionId: text,
  notificationId: num,
  publisherId: text,
  resourceVersion: text,
  createdDate: text,
  message: z.object({ text }).passthrough().nullish(),
};

export const adoEventSchema = z.discriminatedUnion('eventType', [
  z
    .object({
      ...common,
      eventType: z.literal('ms.vss-pipelines.run-state-changed-event'),
      resource: runStateResource,
    })
    .passthrough(),
  z
    .object({
      ...common,
      eventType: z.literal('ms.vss-pipelines.stage-state-changed-event'),
      resource: stageStateResource,
    })
    .passthrough(),
  z
    .object({
      ...common,
      eventType: z.enum([
        'ms.vss-pipelinechecks-events.approval-pending',
        'ms.vss-pipelinechecks-events.approval-completed',
      ]),
      resource: approvalResource,
    })
    .passthrough(),
  z
    .object({ ...common, eventType: z.literal('build.complete'), resource: buildResource })
    .passthrough(),
]);

/** A validated service-hook envelope. */
export type AdoEvent = z.infer<typeof adoEventSchema>;

export type ParsedAdoEvent =
  | { ok: true; event: AdoEvent }
  /** `unhandled`: a well-formed event of a type the bot does not act on (acknowledge it). */
  | { ok: false; problem: string; unhandled?: true };

/**
 * Deepest nesting accepted. Real payloads nest about eight levels (resource.run.resources.
 * repositories.self.repository…); a deeper body is never an Azure DevOps event, and recursive
 * code (validation, JSON.stringify in the store) would overflow the stack on it.
 */
export const MAX_EVENT_DEPTH = 32;

/** True when `value` nests deeper than `max`; iterative, so it cannot overflow the stack itself. */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Validates a service-hook body: an object, one of the five event types, and the fields the
 * bot needs for that type (a run id, an approval id). Never throws.
 * @example const parsed = parseAdoEvent(req.body); if (!parsed.ok) res.send(400, { error: parsed.problem });
 */
export function parseAdoEvent(body: unknown): ParsedAdoEvent {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, problem: 'expected a service-hook event as a JSON object' };
  }
  const eventType = (body as { eventType?: unknown }).eventType;
  if (
    typeof eventType !== 'string' ||
    !(ADO_EVENT_TYPES as readonly string[]).includes(eventType)
  ) {
    return {
      ok: false,
      ...(typeof eventType === 'string' && eventType !== '' ? { unhandled: true as const } : {}),
      problem: `unsupported eventType ${JSON.stringify(typeof eventType === 'string' ? eventType.slice(0, 80) : (eventType ?? null))}; supported: ${ADO_EVENT_TYPES.join(', ')}`,
    };
  }
  if (nestsDeeperThan(body, MAX_EVENT_DEPTH)) {
    return { ok: false, problem: `event nests deeper than ${MAX_EVENT_DEPTH} levels` };
  }
  let result: ReturnType<typeof adoEventSchema.safeParse>;
  try {
    result = adoEventSchema.safeParse(body);
  } catch {
    // Whatever made validation itself fail, this body will never be an event we accept.
    return { ok: false, problem: `invalid ${eventType} event` };
  }
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    return {
      ok: false,
      problem: `invalid ${eventType} event: ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, event: result.data };
}
