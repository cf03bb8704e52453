import type { TokenCredential } from '@azure/identity';

/** A Web Hooks subscription as the bot cares about it. */
export interface HookSubscriptionInfo {
  id: string;
  eventType: string;
  publisherId: string;
  /** The consumer's target URL. */
  url: string;
  /** `publisherInputs`, e.g. `{ pipelineId: '12', projectId: '…' }`. */
  publisherInputs: Record<string, string>;
  status?: string;
}

/** What `setup hooks` asks Azure DevOps to create (reference §4.1). */
export interface NewHookSubscription {
  publisherId: 'pipelines' | 'tfs';
  eventType: string;
  resourceVersion: string;
  publisherInputs: Record<string, string>;
  consumerInputs: { url: string; basicAuthUsername: string; basicAuthPassword: string };
}

/**
 * The Hooks REST API as `setup hooks` uses it; `HooksClient` is the real one, a test passes
 * a few lines of fake.
 * @example const existing = await hooks.listSubscriptions();
 */
export interface HooksPort {
  listSubscriptions(): Promise<HookSubscriptionInfo[]>;
  createSubscription(subscription: NewHookSubscription): Promise<HookSubscriptionInfo>;
  /** The project's id (publisher inputs name projects by id). */
  projectId(): Promise<string>;
  /** Pipelines of the project, for `pipelineId` filters. */
  listPipelines(): Promise<{ id: number; name: string }[]>;
}

export interface HooksClientOptions {
  orgUrl: string;
  project: string;
  auth: { pat: string } | { credential: TokenCredential };
  /** Injected for tests; default global fetch. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Azure DevOps' Entra ID resource. */
const ADO_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';

/** A Hooks API call that failed; `message` is safe to show (no secrets). */
export class HooksApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HooksApiError';
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function toInfo(raw: unknown): HookSubscriptionInfo {
  const r = (raw ?? {}) as Record<string, unknown>;
  const consumer = (r.consumerInputs ?? {}) as Record<string, unknown>;
  const publisher = (r.publisherInputs ?? {}) as Record<string, unknown>;
  return {
    id: str(r.id),
    eventType: str(r.eventType),
    publisherId: str(r.publisherId),
    url: str(consumer.url),
    publisherInputs: Object.fromEntries(Object.entries(publisher).map(([k, v]) => [k, str(v)])),
    ...(typeof r.status === 'string' && { status: r.status }),
  };
}

/**
 * The Hooks REST API (`{org}/_apis/hooks/subscriptions`, api-version 7.1) over fetch, with a PAT
 * or an Entra ID token. azure-devops-node-api has no typed client for it.
 * @example
 *   const hooks = new HooksClient({ orgUrl, project: 'DigitRE', auth: { pat } });
 *   await hooks.createSubscription({ publisherId: 'pipelines', eventType: 'ms.vss-pipelines.run-state-changed-event', … });
 */
export class HooksClient implements HooksPort {
  private readonly org: string;
  private readonly fetch: typeof fetch;
  private project: Promise<string> | undefined;

  constructor(private readonly opts: HooksClientOptions) {
    this.org = opts.orgUrl.replace(/\/+$/, '');
    this.fetch = opts.fetch ?? fetch;
  }

  async listSubscriptions(): Promise<HookSubscriptionInfo[]> {
    const body = await this.call('GET', `${this.org}/_apis/hooks/subscriptions?api-version=7.1`);
    const value = (body as { value?: unknown[] } | null)?.value ?? [];
    return value.map(toInfo);
  }

  async createSubscription(subscription: NewHookSubscription): Promise<HookSubscriptionInfo> {
    const body = await this.call('POST', `${this.org}/_apis/hooks/subscriptions?api-version=7.1`, {
      ...subscription,
      consumerId: 'webHooks',
      consumerActionId: 'httpRequest',
    });
    return toInfo(body);
  }

  projectId(): Promise<string> {
    this.project ??= this.call(
      'GET',
      `${this.org}/_apis/projects/${encodeURIComponent(this.opts.project)}?api-version=7.1`,
    )
      .then((body) => str((body as { id?: unknown } | null)?.id))
      .catch((err: unknown) => {
        this.project = undefined;
        throw err;
      });
    return this.project;
  }

  async listPipelines(): Promise<{ id: number; name: string }[]> {
    const body = await this.call(
      'GET',
      `${this.org}/${encodeURIComponent(this.opts.project)}/_apis/pipelines?$top=1000&api-version=7.1`,
    );
    const value = (body as { value?: { id?: unknown; name?: unknown }[] } | null)?.value ?? [];
    return value
      .filter((p) => typeof p.id === 'number' && typeof p.name === 'string')
      .map((p) => ({ id: p.id as number, name: p.name as string }));
  }

  private async authorization(): Promise<string> {
    if ('pat' in this.opts.auth) {
      return `Basic ${Buffer.from(`:${this.opts.auth.pat}`).toString('base64')}`;
    }
    const token = await this.opts.auth.credential.getToken(ADO_SCOPE);
    if (!token) throw new HooksApiError('could not get an Azure DevOps token');
    return `Bearer ${token.token}`;
  }

  private async call(method: 'GET' | 'POST', url: string, body?: unknown): Promise<unknown> {
    const res = await this.fetch(url, {
      method,
      headers: {
        Accept: 'application/json',
        Authorization: await this.authorization(),
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const message = str((json as { message?: unknown } | null)?.message) || res.statusText;
      throw new HooksApiError(
        `Azure DevOps Hooks API answered ${res.status}: ${message}`,
        res.status,
      );
    }
    return json;
  }
}
