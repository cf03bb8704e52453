import {
  TeamsInfo,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Clock } from '../clock/clock';
import type { TurnAnswer, TurnCapabilities, TurnSignIn } from '../core/turn';
import type { PersonSignIn } from './person-sign-in';

/**
 * What the Teams transport does for the pipeline in one turn: the sender's UPN from a member
 * lookup, the conversation reference, the answer's delivery, and acting as the person through
 * the Bot Framework token service.
 * @example const capabilities = teamsCapabilities(context, { deliver, clock, signIn });
 */
export function teamsCapabilities(
  context: TurnContext,
  opts: {
    deliver(answer: TurnAnswer): Promise<void>;
    rememberConversation?(): Promise<void>;
    clock: Clock;
    signIn?: PersonSignIn;
  },
): TurnCapabilities {
  const { activity } = context;
  return {
    deliver: opts.deliver,
    ...(opts.rememberConversation && { rememberConversation: opts.rememberConversation }),
    ...(activity.channelId === 'msteams' && {
      lookUpUpn: async () => {
        const member = await TeamsInfo.getMember(context, activity.from.id);
        return member.userPrincipalName || member.email || undefined;
      },
    }),
    ...(opts.signIn && { signIn: teamsSignIn(context, opts.signIn, opts.clock) }),
  };
}

function teamsSignIn(context: TurnContext, signIn: PersonSignIn, clock: Clock): TurnSignIn {
  return {
    actAsPerson: (userToken) => signIn.actAsPerson(context, userToken),
    // The click Teams retried after our login request: an SSO token to exchange, or a magic code.
    tokenFor: ({ ssoToken, magicCode }) =>
      ssoToken
        ? signIn.exchange(context, ssoToken)
        : signIn.userToken(context, magicCode).catch(() => undefined),
    signOut: () => signIn.signOut(context),
    askForMessage: async ({ text, activityId }, prompt) => {
      await signIn.remember(context, { text, activityId, at: clock.now() });
      const card = await signIn.signInCard(context, prompt);
      const activity: Partial<Activity> = { attachments: [card] };
      return { kind: 'platform', payload: activity };
    },
    askForClick: async (prompt) => {
      const response: AdaptiveCardInvokeResponse = await signIn.loginRequest(context, prompt);
      return { kind: 'platform', payload: response };
    },
  };
}
