import type {
  ActionsBlock,
  Button,
  ContextBlock,
  HeaderBlock,
  KnownBlock,
  SectionBlock,
} from '@slack/types';
import type { Fact } from '../cards/card-data';
import { SLACK_LIMITS } from './slack-limits';

// Small builders that keep every piece inside Slack's limits by construction (text cut with an
// ellipsis), so a long pipeline name or log line costs a character, never the whole message.

/** Cuts `text` to `max` characters, ending with … when cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** mrkdwn treats &, < and > as markup; user text must not open links or mentions. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A mrkdwn link, or the bare title when there is no URL. */
export function link(url: string, title: string): string {
  return url ? `<${url}|${esc(title).replace(/\|/g, '¦')}>` : esc(title);
}

export function header(text: string): HeaderBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: cut(text || ' ', SLACK_LIMITS.headerText), emoji: true },
  };
}

/** A section of mrkdwn (already escaped by the caller). */
export function section(mrkdwn: string): SectionBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: cut(mrkdwn || ' ', SLACK_LIMITS.sectionText) },
  };
}

/** Facts as two-column fields, at most 10 per section (more start another section). */
export function factSections(facts: readonly Fact[]): SectionBlock[] {
  const shown = facts.filter((f) => f.value !== '');
  const sections: SectionBlock[] = [];
  for (let i = 0; i < shown.length; i += SLACK_LIMITS.sectionFields) {
    sections.push({
      type: 'section',
      fields: shown.slice(i, i + SLACK_LIMITS.sectionFields).map((f) => ({
        type: 'mrkdwn' as const,
        text: cut(`*${esc(f.title)}*\n${esc(f.value)}`, SLACK_LIMITS.fieldText),
      })),
    });
  }
  return sections;
}

/** Small grey lines under a message (up to 10 elements). */
export function context(...lines: string[]): ContextBlock | undefined {
  const shown = lines.filter(Boolean).slice(0, SLACK_LIMITS.contextElements);
  if (shown.length === 0) return undefined;
  return {
    type: 'context',
    elements: shown.map((t) => ({
      type: 'mrkdwn' as const,
      text: cut(t, SLACK_LIMITS.sectionText),
    })),
  };
}

/**
 * A button whose `action_id` is the card verb and whose `value` is the (signed) action data.
 * Data too long for Slack's 2000 characters is a bug upstream, not something to cut: it throws.
 */
export function button(
  label: string,
  actionId: string,
  data: unknown,
  style?: 'primary' | 'danger',
): Button {
  const value = typeof data === 'string' ? data : JSON.stringify(data);
  if (value.length > SLACK_LIMITS.buttonValue) {
    throw new RangeError(`${actionId} data is ${value.length} characters; Slack allows 2000`);
  }
  return {
    type: 'button',
    text: { type: 'plain_text', text: cut(label, SLACK_LIMITS.buttonText), emoji: true },
    action_id: actionId,
    value,
    ...(style && { style }),
  };
}

/** A link button (no action: Slack opens the URL). */
export function linkButton(label: string, url: string, actionId: string): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: cut(label, SLACK_LIMITS.buttonText), emoji: true },
    action_id: actionId,
    url: cut(url, SLACK_LIMITS.url),
  };
}

export function actions(...buttons: (Button | undefined | false)[]): ActionsBlock | undefined {
  const shown = buttons
    .filter((b): b is Button => Boolean(b))
    .slice(0, SLACK_LIMITS.actionsElements);
  return shown.length === 0 ? undefined : { type: 'actions', elements: shown };
}

/** Drops the blocks a card leaves out (undefined). */
export function blocks(...parts: (KnownBlock | KnownBlock[] | undefined | false)[]): KnownBlock[] {
  return parts.flat().filter((b): b is KnownBlock => Boolean(b));
}

/** Lines as sections of at most 3000 characters each (long lists, logs). */
export function lineSections(lines: readonly string[], maxSections: number): SectionBlock[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    const piece = cut(line, SLACK_LIMITS.sectionText);
    if (current && current.length + 1 + piece.length > SLACK_LIMITS.sectionText) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n${piece}` : piece;
  }
  if (current) out.push(current);
  const shown = out.slice(0, maxSections);
  if (out.length > maxSections) shown.push(`_…and more (${out.length - maxSections} more parts)_`);
  return shown.map(section);
}

/**
 * Did-you-mean buttons: `command.send:<n>` (action ids are unique in a message), the command as
 * the value. A click is the person typing that command.
 */
export const SUGGESTION_ACTION = 'command.send';
