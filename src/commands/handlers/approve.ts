import type { Catalog } from '../../catalog/catalog-schema';
import {
  defineCommand,
  type CommandContext,
  type CommandDeps,
  type ParseResult,
} from '../command-spec';
import { chatHasApprovalCard } from '../../conversations/approval-cards';
import { decideApproval as decideUseCase } from '../../use-cases/decide-approval';
import {
  approvalOutcomeReply,
  decidedHereReply,
  decisionUsage,
  type ApprovalTarget,
} from '../decide-approval';
import { freeText, isRunId, parseEnvironment, parseRunId } from '../parse-words';
import type { Reply } from '../reply';
import { BUILD_NUMBER } from '../resolve-build-number';
import { resolveRunRef } from '../resolve-run-ref';

interface DecideArgs {
  /** A build number stays one until the run it names is looked up. */
  target: ApprovalTarget | { buildNumber: string };
  comment: string;
}

function parseDecision(words: readonly string[], catalog: Catalog): ParseResult<DecideArgs> {
  const first = words[0];
  let target: DecideArgs['target'];
  if (first !== undefined && BUILD_NUMBER.test(first)) {
    target = { buildNumber: first };
  } else if (first !== undefined && isRunId(first)) {
    const id = parseRunId(first);
    if (!id.ok) return id;
    target = { runId: id.args };
  } else {
    const env = parseEnvironment(first, catalog);
    if (!env.ok) return env;
    target = { environment: env.args.key };
  }
  const comment = freeText(words.slice(1));
  if (!comment.ok) return comment;
  return { ok: true, args: { target, comment: comment.args } };
}

/** Decides the approval the target names, once a build number is resolved to its run. */
async function decide(
  args: DecideArgs,
  decision: 'approved' | 'rejected',
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  let target: ApprovalTarget;
  if ('buildNumber' in args.target) {
    const command = decision === 'approved' ? 'approve' : 'reject';
    const resolved = await resolveRunRef(args.target, deps, {
      command,
      usage: decisionUsage(decision),
      rest: args.comment,
    });
    if ('reply' in resolved) return resolved.reply;
    target = resolved;
  } else {
    target = args.target;
  }
  const outcome = await decideUseCase({ target, decision, comment: args.comment }, ctx, deps);
  // The chat already has this approval's card, which the decision updates in place: the typed
  // answer says so briefly instead of a second "Approved" card under it.
  if (
    outcome.code === 'decided' &&
    (await chatHasApprovalCard(deps.store, outcome.approval.id, ctx.conversation.id))
  ) {
    return decidedHereReply(outcome.approval, deps);
  }
  return approvalOutcomeReply(outcome, deps, { decision, comment: args.comment });
}

export const approveCommand = defineCommand<DecideArgs>({
  name: 'approve',
  aliases: ['lgtm'],
  usage: decisionUsage('approved'),
  summary:
    'Approves the deployment waiting for you, with an optional comment recorded in Azure DevOps.',
  examples: ['approve prod', 'approve prod QA results look good', 'approve 1234'],
  parse: (words, { catalog }) => parseDecision(words, catalog),
  run: (args, ctx, deps) => decide(args, 'approved', ctx, deps),
});

export const rejectCommand = defineCommand<DecideArgs>({
  name: 'reject',
  aliases: ['deny'],
  usage: decisionUsage('rejected'),
  summary:
    'Rejects a waiting deployment; the run fails and your reason is recorded in Azure DevOps.',
  examples: ['reject prod metrics regressed', 'reject 1234 wrong model'],
  parse: (words, { catalog }) => parseDecision(words, catalog),
  run: (args, ctx, deps) => decide(args, 'rejected', ctx, deps),
});
