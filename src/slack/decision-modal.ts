/** The modal's `callback_id`: Bolt routes its submission (`app.view`) by it. */
export const DECISION_CALLBACK_ID = 'approval.decision';
/** The text input's block and action ids (the submission's `state.values[block][action]`). */
export const DECISION_BLOCK_ID = 'decision';
export const DECISION_INPUT_ID = 'text';
/** What the card actions accept as a comment or reason. */
export const DECISION_TEXT_MAX = 500;
/** Slack's caps: a modal title 24 characters, its buttons 24, private_metadata 3000. */
const TITLE_MAX = 24;
const METADATA_MAX = 3000;

/**
 * What the modal carries to its submission, unchanged by Slack: the clicked button's verb and
 * signed value (so the submission is verified like the click), and the message it sat on (so the
 * decision updates that message).
 */
export interface DecisionMetadata {
  verb: string;
  value: string;
  channel: string;
  messageTs?: string;
}

/** What the modal shows: the decision, the environment, and the run in its one name. */
export interface DecisionModalFacts {
  decision: 'approve' | 'reject';
  /** The environment's key, as people type it (`prod`). */
  environment: string;
  /** `#N · build`. */
  runName: string;
  model?: string;
  metadata: DecisionMetadata;
}

/**
 * The modal an Approve or Reject click opens (`views.open`): the run, then an optional comment
 * (Approve) or a required reason (Reject). Its submission is the click, with the text.
 * @example
 *   await slack.openView(triggerId, decisionModal({ decision: 'reject', environment: 'prod',
 *     runName: '#7 · 20261129.1', model: 'v3', metadata: { verb, value, channel, messageTs } }));
 */
export function decisionModal(f: DecisionModalFacts): Record<string, unknown> {
  const approve = f.decision === 'approve';
  const title = `${approve ? 'Approve' : 'Reject'} ${f.environment}`;
  // Model versions read as on the cards: `3` → `v3`.
  const model = f.model && /^\d/.test(f.model) ? `v${f.model}` : f.model;
  const run = `*${f.runName}*${model ? ` · model ${model}` : ''}`;
  return {
    type: 'modal',
    callback_id: DECISION_CALLBACK_ID,
    title: { type: 'plain_text', text: clip(title, TITLE_MAX) },
    submit: { type: 'plain_text', text: approve ? 'Approve' : 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(f.metadata),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(run, 3000) } },
      {
        type: 'input',
        block_id: DECISION_BLOCK_ID,
        // Slack's own check makes the reason required; Approve may go without a comment.
        optional: approve,
        label: { type: 'plain_text', text: approve ? 'Comment (optional)' : 'Reason' },
        element: {
          type: 'plain_text_input',
          action_id: DECISION_INPUT_ID,
          multiline: true,
          max_length: DECISION_TEXT_MAX,
          placeholder: {
            type: 'plain_text',
            text: approve ? 'Anything the team should know' : 'Why it should not go out',
          },
        },
      },
    ],
  };
}

/** The parts of a `view_submission` payload read here (Bolt's ViewOutput fits). */
export interface DecisionViewBody {
  id: string;
  callback_id: string;
  private_metadata: string;
  state: { values: Record<string, Record<string, { value?: string | null }>> };
}

/**
 * A submitted decision modal: the click it stands for and the typed text (trimmed), or
 * undefined when the metadata is not ours (too long, not JSON, missing fields).
 * @example decisionSubmission(view) // { metadata: { verb: 'approval.reject', … }, text: 'not now' }
 */
export function decisionSubmission(
  view: DecisionViewBody,
): { metadata: DecisionMetadata; text: string } | undefined {
  if (view.private_metadata.length > METADATA_MAX) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(view.private_metadata);
  } catch {
    return undefined;
  }
  const m = raw as Partial<DecisionMetadata> | null;
  if (
    !m ||
    typeof m.verb !== 'string' ||
    typeof m.value !== 'string' ||
    typeof m.channel !== 'string' ||
    (m.messageTs !== undefined && typeof m.messageTs !== 'string')
  ) {
    return undefined;
  }
  const typed = view.state.values[DECISION_BLOCK_ID]?.[DECISION_INPUT_ID]?.value ?? '';
  return {
    metadata: {
      verb: m.verb,
      value: m.value,
      channel: m.channel,
      ...(m.messageTs !== undefined && { messageTs: m.messageTs }),
    },
    text: typed.trim().slice(0, DECISION_TEXT_MAX),
  };
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
