import { defineCommand } from '../command-spec';
import { messageReply } from '../message-reply';
import { noArgs } from '../parse-words';

export const whoamiCommand = defineCommand<Record<string, never>>({
  name: 'whoami',
  aliases: ['who am i', 'me'],
  usage: 'whoami',
  summary: 'Shows who I think you are and what you may do.',
  examples: ['whoami'],
  parse: noArgs('whoami', {}),
  async run(_args, ctx, deps) {
    const { actor } = ctx;
    const auth = { channelId: ctx.conversation.channelId };
    const can = (ok: boolean) => (ok ? '✅' : '—');
    const envFacts = deps.catalog.environments.map((env) => {
      const d = deps.authorizer.check(
        actor,
        { kind: 'deploy', environment: env.key },
        auth,
      ).allowed;
      const a = env.approval
        ? deps.authorizer.check(actor, { kind: 'approve', environment: env.key }, auth).allowed
        : false;
      return {
        title: env.displayName,
        value: `deploy ${can(d)}${env.approval ? ` · approve ${can(a)}` : ''}`,
      };
    });
    const runnable = deps.catalog.pipelines
      .filter(
        (p) =>
          !p.environment &&
          deps.authorizer.check(actor, { kind: 'run', pipeline: p.key }, auth).allowed,
      )
      .map((p) => p.key);
    const admin = deps.authorizer.check(actor, { kind: 'admin' }, auth).allowed;
    const note = deps.authorizer.everyoneIsEverything
      ? 'Local mode: every chat user holds every role.'
      : 'Roles come from the pipeline catalog.';
    return messageReply('default', `You are ${actor.name}`, note, {
      facts: [
        { title: 'Email / UPN', value: actor.upn ?? 'not known to the bot' },
        { title: 'Entra object id', value: actor.aadObjectId ?? 'not sent by this client' },
        { title: 'Teams id', value: actor.teamsId },
        ...envFacts,
        { title: 'Can run', value: runnable.length > 0 ? runnable.join(', ') : 'no pipelines' },
        { title: 'Admin', value: can(admin) },
      ],
    });
  },
});
