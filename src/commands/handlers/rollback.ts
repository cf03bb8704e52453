import { catalogIndex } from '../../catalog/catalog-index';
import { runLabel } from '../../cards/format';
import { findRollback } from '../../use-cases/find-rollback';
import { defineCommand } from '../command-spec';
import { messageReply } from '../message-reply';
import { fail, parseEnvironment } from '../parse-words';
import { deploy } from './deploy';

export const rollbackCommand = defineCommand<{ environment: string }>({
  name: 'rollback',
  aliases: ['roll-back', 'revert'],
  usage: 'rollback <env>',
  summary: 'Redeploys the previous successful model version to an environment, after you confirm.',
  examples: ['rollback prod'],
  parse(words, { catalog }) {
    if (words.length > 1) return fail('`rollback` takes one environment.');
    const env = parseEnvironment(words[0], catalog);
    return env.ok ? { ok: true, args: { environment: env.args.key } } : env;
  },
  doing: ({ environment }, { catalog }) =>
    `find the previous deploy of ${catalogIndex(catalog).environment(environment)?.displayName ?? environment}`,
  async run({ environment }, ctx, deps) {
    const target = await findRollback(environment, deps);
    const env = target.environment;
    if (target.code === 'refused:nothing-to-roll-back') {
      return {
        ...messageReply(
          'default',
          `Nothing to roll back to in ${env.displayName}`,
          target.current
            ? `Every recent successful deploy used model v${target.current}.`
            : `${env.displayName} has no successful deploy yet.`,
        ),
        outcome: target.code,
      };
    }
    const { current, model, previous } = target;
    return deploy(
      { environment: env.key, model, dryRun: false, parameters: {} },
      ctx,
      deps,
      `rollback ${env.key}`,
      {
        alwaysConfirm: true,
        title: `Roll ${env.displayName} back from model v${current} to v${model}?`,
        // Approvers see which deploy this returns to, not only the versions.
        change: `v${current} → v${model}, a rollback to run ${runLabel(previous.id, previous.name)}`,
      },
    );
  },
});
