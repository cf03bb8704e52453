import type { Fact, MessageCardData } from '../cards/card-data';
import type { Reply } from './reply';

const ICONS: Record<MessageCardData['style'], string> = {
  good: '✅',
  attention: '⛔',
  warning: '⚠️',
  default: 'ℹ️',
};

/**
 * A plain answer, refusal or error as a message card.
 * @example messageReply('attention', 'Not allowed', 'Only Production approvers can approve.')
 */
export function messageReply(
  style: MessageCardData['style'],
  title: string,
  text: string,
  extra: {
    facts?: Fact[];
    link?: { title: string; url: string };
    /** Replaces the style's icon (one icon per title: the card shows it beside the title). */
    icon?: string;
  } = {},
): Reply {
  const facts = extra.facts ?? [];
  return {
    card: 'message',
    data: {
      title,
      text,
      style,
      icon: extra.icon ?? ICONS[style],
      facts,
      hasFacts: facts.length > 0,
      linkTitle: extra.link?.title ?? '',
      linkUrl: extra.link?.url ?? '',
      hasLink: Boolean(extra.link),
    },
  };
}
