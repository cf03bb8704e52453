import { AdoHttpError, collection } from '../http-reply';
import type { HookSubscription } from '../hook-registry';
import { identityRef } from '../identities';
import type { Router } from '../router';
import { EVENT_TYPES } from '../webhook-payloads';
import { asRecord, type RouteDeps } from './route-deps';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** `Key:value` lines, as the Web Hooks consumer's `httpHeaders` input takes them. */
export function parseHttpHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/[\r\n\f]+/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Hooks API: Web Hooks subscriptions (create, list, get, delete). */
export function registerHooksRoutes(router: Router, deps: RouteDeps): void {
  const { ctx, hooks } = deps;
  const json = (s: HookSubscription) => {
    const rest = s.rest ?? {};
    const consumerInputs = { ...(asRecord(rest.consumerInputs) ?? { url: s.url }) };
    if (consumerInputs.basicAuthPassword !== undefined)
      consumerInputs.basicAuthPassword = '********';
    return {
      id: s.id,
      url: `${ctx.orgUrl}/_apis/hooks/subscriptions/${s.id}`,
      status: 'enabled',
      publisherId: rest.publisherId ?? (s.eventTypes[0] === 'build.complete' ? 'tfs' : 'pipelines'),
      eventType: rest.eventType ?? s.eventTypes[0],
      resourceVersion:
        rest.resourceVersion ?? (s.eventTypes[0] === 'build.complete' ? '2.0' : '5.1-preview.1'),
      consumerId: 'webHooks',
      consumerActionId: 'httpRequest',
      publisherInputs: rest.publisherInputs ?? { projectId: ctx.project.id },
      consumerInputs,
      createdDate: s.createdDate,
      modifiedDate: s.createdDate,
      ...(rest.createdBy ? { createdBy: rest.createdBy } : {}),
    };
  };
  router.add('POST', '/_apis/hooks/subscriptions', ({ body, identity }) => {
    const b = asRecord(body);
    if (!b)
      throw new AdoHttpError(
        400,
        'ArgumentNullException',
        'Value cannot be null.\r\nParameter name: subscription',
        'hooks',
      );
    const eventType = str(b.eventType);
    if (!eventType || !(EVENT_TYPES as readonly string[]).includes(eventType)) {
      throw new AdoHttpError(
        400,
        'ServiceHookException',
        `Event type '${eventType ?? ''}' is not supported. Supported: ${EVENT_TYPES.join(', ')}.`,
        'hooks',
      );
    }
    if (str(b.consumerId) !== 'webHooks') {
      throw new AdoHttpError(
        400,
        'ServiceHookException',
        `Consumer '${str(b.consumerId) ?? ''}' is not supported; use 'webHooks'.`,
        'hooks',
      );
    }
    const inputs = asRecord(b.consumerInputs) ?? {};
    const url = str(inputs.url);
    let ok = false;
    try {
      ok = !!url && /^https?:$/.test(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok)
      throw new AdoHttpError(
        400,
        'ServiceHookException',
        `The consumer input 'url' must be an absolute http(s) URL.`,
        'hooks',
      );
    const user = str(inputs.basicAuthUsername);
    const pass = str(inputs.basicAuthPassword);
    const headerText = str(inputs.httpHeaders);
    const publisherInputs = asRecord(b.publisherInputs) ?? {};
    const pipelineId = str(publisherInputs.pipelineId) ?? str(publisherInputs.definitionId);
    const id = hooks.add(
      {
        url: url!,
        eventTypes: [eventType],
        ...(user || pass ? { basicAuth: { username: user ?? '', password: pass ?? '' } } : {}),
        ...(headerText ? { headers: parseHttpHeaders(headerText) } : {}),
        ...(pipelineId && /^\d+$/.test(pipelineId) ? { pipelineIds: [Number(pipelineId)] } : {}),
      },
      { ...b, createdBy: identityRef(identity!) },
    );
    return { json: json(hooks.get(id)!) };
  });
  router.add('GET', '/_apis/hooks/subscriptions', () => ({
    json: collection(hooks.list().map(json)),
  }));
  const one = (id: string | undefined) => {
    const s = hooks.list().find((x) => x.id.toLowerCase() === (id ?? '').toLowerCase());
    if (!s)
      throw new AdoHttpError(
        404,
        'SubscriptionNotFoundException',
        `Subscription ${id ?? ''} was not found.`,
        'hooks',
      );
    return s;
  };
  router.add('GET', '/_apis/hooks/subscriptions/:id', ({ params }) => ({
    json: json(one(params.id)),
  }));
  router.add('DELETE', '/_apis/hooks/subscriptions/:id', ({ params }) => {
    hooks.remove(one(params.id).id);
    return { status: 204 };
  });
}
