import { maskSecrets } from '../text/mask-secrets';
import type { ActAs, ApprovalSummary, DevOpsPort, RunRequest, RunSummary } from './devops-port';
import { ForwardingDevOps } from './forwarding-devops';

/**
 * Masks the free text the bot sends to Azure DevOps — approval comments (typed, or from a card's
 * comment box) and the requester's display name — as everything else that leaves the bot is
 * masked: a PAT or connection string someone pasted must not end up in Azure DevOps' approval
 * history, where everyone with read access sees it. Template parameters are not free text (the
 * catalog validates them) and pass unchanged. Everything else passes straight through.
 * @example const devops = new CachedDevOps(new MaskingDevOps(adapter, config.secrets), clock);
 */
export class MaskingDevOps extends ForwardingDevOps {
  constructor(
    inner: DevOpsPort,
    private readonly secrets: readonly string[],
  ) {
    super(inner);
  }

  override decideApproval(
    approvalId: string,
    decision: 'approved' | 'rejected',
    comment: string,
    actAs?: ActAs,
  ): Promise<ApprovalSummary> {
    return this.inner.decideApproval(
      approvalId,
      decision,
      maskSecrets(comment, this.secrets),
      actAs,
    );
  }
  override runPipeline(req: RunRequest, actAs?: ActAs): Promise<RunSummary> {
    const requestedFor =
      req.requestedFor === undefined ? undefined : maskSecrets(req.requestedFor, this.secrets);
    return this.inner.runPipeline({ ...req, requestedFor }, actAs);
  }
}
