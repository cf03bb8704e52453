import type { Catalog } from '../../catalog/catalog-schema';
import { defineCommand, type ParseResult } from '../command-spec';
import { decideApproval, type ApprovalTarget } from '../decide-approval';
import { freeText, isRunId, parseEnvironment, parseRunId } from '../parse-words';

interface DecideArgs {
  target: ApprovalTarget;
  comment: string;
}

function parseDecision(words: readonly string[], catalog: Catalog): ParseResult<DecideArgs> {
  const first = words[0];
  let target: ApprovalTarget;
  if (first !== undefined && isRunId(first)) {
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

export const approveCommand = defineCommand<DecideArgs>({
  name: 'approve',
  aliases: ['lgtm'],
  usage: 'approve <env | run id> [comment]',
  summary:
    'Approves the deployment waiting for you, with an optional comment recorded in Azure DevOps.',
  examples: ['approve prod', 'approve prod QA results look good', 'approve 1234'],
  parse: (words, { catalog }) => parseDecision(words, catalog),
  run: (args, ctx, deps) =>
    decideApproval({ target: args.target, decision: 'approved', comment: args.comment }, ctx, deps),
});

export const rejectCommand = defineCommand<DecideArgs>({
  name: 'reject',
  aliases: ['deny'],
  usage: 'reject <env | run id> [reason]',
  summary:
    'Rejects a waiting deployment; the run fails and your reason is recorded in Azure DevOps.',
  examples: ['reject prod metrics regressed', 'reject 1234 wrong model'],
  parse: (words, { catalog }) => parseDecision(words, catalog),
  run: (args, ctx, deps) =>
    decideApproval({ target: args.target, decision: 'rejected', comment: args.comment }, ctx, deps),
});
