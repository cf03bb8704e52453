import type { IRequestOptions, IRestResponse } from 'typed-rest-client/RestClient';
import type { ApprovalLike } from './wire-types';

/** The two verbs of typed-rest-client's `RestClient` this client uses. */
export interface RestLike {
  get<T>(url: string, options?: IRequestOptions): Promise<IRestResponse<T>>;
  update<T>(url: string, body: unknown, options?: IRequestOptions): Promise<IRestResponse<T>>;
}

const ACCEPT: IRequestOptions = { acceptHeader: 'application/json;api-version=7.1' };

/**
 * Raw REST for YAML approvals (azure-devops-node-api has no client for them). The caller picks
 * the `RestLike`: the bot's shared one, or one carrying a user's own token (on-behalf-of).
 * @example
 *   const approvals = new ApprovalsClient('https://dev.azure.com/digitre', 'DigitRE');
 *   const { result } = await approvals.pending(webApi.rest);
 */
export class ApprovalsClient {
  private readonly base: string;

  constructor(orgUrl: string, project: string) {
    this.base = `${orgUrl.replace(/\/+$/, '')}/${encodeURIComponent(project)}/_apis/pipelines/approvals`;
  }

  /** All pending approvals with their steps (assigned approvers), one request. */
  async pending(rest: RestLike): Promise<{ result: ApprovalLike[]; headers: unknown }> {
    const res = await rest.get<{ value?: ApprovalLike[] }>(
      `${this.base}?state=pending&$expand=steps&api-version=7.1`,
      ACCEPT,
    );
    return { result: res.result?.value ?? [], headers: res.headers };
  }

  /** One approval, or null when Azure DevOps does not know it. */
  async get(
    rest: RestLike,
    id: string,
  ): Promise<{ result: ApprovalLike | null; headers: unknown }> {
    const res = await rest.get<ApprovalLike>(
      `${this.base}/${encodeURIComponent(id)}?$expand=steps&api-version=7.1`,
      ACCEPT,
    );
    return { result: res.result, headers: res.headers };
  }

  /** Approves or rejects; answers the updated approval (null if the server returned none). */
  async decide(
    rest: RestLike,
    id: string,
    status: 'approved' | 'rejected',
    comment: string,
  ): Promise<{ result: ApprovalLike | null; headers: unknown }> {
    const res = await rest.update<{ value?: ApprovalLike[] }>(
      `${this.base}?api-version=7.1`,
      [{ approvalId: id, status, comment }],
      ACCEPT,
    );
    return { result: res.result?.value?.[0] ?? null, headers: res.headers };
  }
}
