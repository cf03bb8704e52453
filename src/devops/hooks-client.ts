import type { TokenCredential } from '@azure/identity';
import type { AdoTransport } from './ado-transport';
import { CodedError } from '../errors/coded-error';
import { classifyError, codeOfStatus } from './classify-error';
import type { DevOpsErrorCode } from './devops-port';
import { rateLimitOfResponse } from './rate-limit';
import type { RetryOptions } from './retry-policy';

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
  timeoutMs?: number;
  /**
   * The bot's transport, to share its connection, token and retries, or a function giving it on
   * first use (so azure-devops-node-api still loads late); default: a new one.
   */
  transport?: AdoTransport | (() => AdoTransport);
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
}

const ACCEPT = { acceptHeader: 'application/json;api-version=7.1' };

/**
 * A Hooks API call that failed; `message` is safe to show (no secrets). The code is the
 * `DevOpsError` code of its status, so one table explains both.
 * @example throw new HooksApiError('project "X" was not found; check ADO_PROJECT', 404);
 */
export class HooksApiError extends CodedError<DevOpsErrorCode> {
  constructor(
    message: string,
    readonly status?: number,
    code: DevOpsErrorCode = codeOfStatus(status),
  ) {
    super(code, message);
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
 * The Hooks REST API (`{org}/_apis/hooks/subscriptions`, api-version 7.1), which
 * azure-devops-node-api has no typed client for, through the same transport as every other
 * Azure DevOps call: its authenticated RestClient (PAT or a refreshed Entra ID token, and
 * `X-TFS-FedAuthRedirect: Suppress`), deadlines, rate-limit pacing and retries of reads.
 * @example
 *   const hooks = new HooksClient({ orgUrl, project: 'DigitRE', auth: { pat } });
 *   await hooks.createSubscription({ publisherId: 'pipelines', eventType: 'ms.vss-pipelines.run-state-changed-event', … });
 */
export class HooksClient implements HooksPort {
  private readonly org: string;
  private transport: AdoTransport | (() => AdoTransport) | undefined;
  private project: Promise<string> | undefined;

  constructor(private readonly opts: HooksClientOptions) {
    this.org = opts.orgUrl.replace(/\/+$/, '');
    this.transport = opts.transport;
  }

  /** Built on first use: azure-devops-node-api is not loaded at start-up (issue #10). */
  private get t(): AdoTransport {
    if (typeof this.transport === 'function') this.transport = this.transport();
    if (!this.transport) {
      const { AdoTransport: Transport } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
        require('./ado-transport') as typeof import('./ado-transport');
      const o = this.opts;
      this.transport = new Transport({
        orgUrl: o.orgUrl,
        auth: o.auth,
        ...(o.timeoutMs !== undefined && { timeoutMs: o.timeoutMs }),
        ...(o.retry && { retry: o.retry }),
        ...(o.sleep && { sleep: o.sleep }),
      });
    }
    return this.transport;
  }

  async listSubscriptions(): Promise<HookSubscriptionInfo[]> {
    const body = await this.get(
      'hooks.list',
      `${this.org}/_apis/hooks/subscriptions?api-version=7.1`,
    );
    const value = (body as { value?: unknown[] } | null)?.value ?? [];
    return value.map(toInfo);
  }

  async createSubscription(subscription: NewHookSubscription): Promise<HookSubscriptionInfo> {
    // Not retried: a create that timed out may have landed, and `setup hooks` lists first anyway.
    const body = await this.wrap(async () => {
      const res = await this.t.call(
        'hooks.create',
        () =>
          this.t.webApi.rest.create<unknown>(
            `${this.org}/_apis/hooks/subscriptions?api-version=7.1`,
            { ...subscription, consumerId: 'webHooks', consumerActionId: 'httpRequest' },
            ACCEPT,
          ),
        rateLimitOfResponse,
      );
      return res.result;
    });
    return toInfo(body);
  }

  projectId(): Promise<string> {
    this.project ??= this.get(
      'project',
      `${this.org}/_apis/projects/${encodeURIComponent(this.opts.project)}?api-version=7.1`,
    )
      .then((body) => {
        const id = str((body as { id?: unknown } | null)?.id);
        if (!id) {
          throw new HooksApiError(
            `project "${this.opts.project}" was not found; check ADO_PROJECT`,
            404,
          );
        }
        return id;
      })
      .catch((err: unknown) => {
        this.project = undefined;
        throw err;
      });
    return this.project;
  }

  async listPipelines(): Promise<{ id: number; name: string }[]> {
    const body = await this.get(
      'hooks.pipelines',
      `${this.org}/${encodeURIComponent(this.opts.project)}/_apis/pipelines?$top=1000&api-version=7.1`,
    );
    const value = (body as { value?: { id?: unknown; name?: unknown }[] } | null)?.value ?? [];
    return value
      .filter((p) => typeof p.id === 'number' && typeof p.name === 'string')
      .map((p) => ({ id: p.id as number, name: p.name as string }));
  }

  /** A read, retried like every other read. */
  private get(what: string, url: string): Promise<unknown> {
    return this.wrap(() =>
      this.t.retrying(what, async () => {
        const res = await this.t.call(
          what,
          () => this.t.webApi.rest.get<unknown>(url, ACCEPT),
          rateLimitOfResponse,
        );
        return res.result;
      }),
    );
  }

  /** Failures as HooksApiError (status and a safe message) for `setup hooks`. */
  private async wrap<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (err instanceof HooksApiError) throw err;
      const c = classifyError(err);
      throw new HooksApiError(
        `Azure DevOps Hooks API answered ${c.status ?? c.error.code}: ${c.error.message}`,
        c.status ?? (c.error.code === 'unauthorized' ? 401 : undefined),
        c.error.code,
      );
    }
  }
}
