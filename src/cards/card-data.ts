/**
 * What each card template in `cards/` binds to. Data is display-ready: strings already
 * formatted, booleans that switch sections and buttons on, arrays of rows. Keeping logic out of
 * the JSON templates keeps them editable in the Adaptive Cards designer and lets TypeScript
 * check what handlers pass. Every field is required (use '' or false for "not shown"), because
 * the templating engine leaves a missing field as a literal `${field}` in the card.
 */

import type { RunStatusCardData } from './run-status-card-data';

// The run card's data has a file of its own (the largest card); its types are re-exported here.
export type { RunDisplayState, RunStatusCardData, StageRow } from './run-status-card-data';

/** Container styles of Adaptive Cards 1.5. */
export type CardStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
/** TextBlock colours of Adaptive Cards 1.5. */
export type TextColor = 'default' | 'accent' | 'good' | 'warning' | 'attention';

export interface Fact {
  title: string;
  value: string;
}

/** Sent back with Cancel/Retry. `token` is the server's signature over the rest, when used. */
export interface RunActionData {
  runId: number;
  token?: string;
}

/** Sent back with Approve/Reject (plus the `comment` input) and the approval card's refresh. */
export interface ApprovalActionData {
  approvalId: string;
  runId: number;
  token?: string;
}

/** Sent back with Confirm/Cancel and the confirm card's refresh. */
export interface ConfirmActionData {
  confirmationId: string;
  token?: string;
}

/** approver: may decide (buttons); viewer: sees state and who can approve; decided: final. */
export type ApprovalView = 'approver' | 'viewer' | 'decided';

/**
 * `cards/approval.json`. Build it with `approvalCardData()`. The card posted to a channel is the
 * viewer view with `refreshUserIds` = the approvers, so Teams asks the bot (verb `card.refresh`)
 * for their own view, the approver view with buttons.
 */
export interface ApprovalCardData {
  view: ApprovalView;
  isApprover: boolean;
  isViewer: boolean;
  isDecided: boolean;
  icon: string;
  statusText: string;
  style: CardStyle;
  pipelineName: string;
  runName: string;
  runId: number;
  stageName: string;
  environment: string;
  modelVersion: string;
  /** What approving does to the live model, e.g. 'v3 → v2, a downgrade'; '' when unknown. */
  change: string;
  /** A downgrade or rollback: the card says so in the attention colour. */
  isDowngrade: boolean;
  /** e.g. 'develop'; '' when unknown. */
  branch: string;
  requestedBy: string;
  createdAt: string;
  /** How long it has been waiting, e.g. '12m'. */
  waiting: string;
  instructions: string;
  hasInstructions: boolean;
  /** Who may approve, e.g. 'Alice Smith, Release Managers'. */
  approvers: string;
  decidedBy: string;
  decidedAt: string;
  comment: string;
  hasComment: boolean;
  runUrl: string;
  approveData: ApprovalActionData;
  rejectData: ApprovalActionData;
  hasRefresh: boolean;
  /** Teams user ids (MRIs, `29:...`) that get the user-specific view; at most 60. */
  refreshUserIds: string[];
  refreshData: ApprovalActionData;
}

export interface DashboardPipelineRow {
  icon: string;
  key: string;
  name: string;
  /** e.g. 'Succeeded', 'Running', 'Never run'. */
  result: string;
  runName: string;
  age: string;
  requestedBy: string;
  runUrl: string;
  hasUrl: boolean;
}

export interface DashboardApprovalRow {
  /** e.g. 'Production · Deploy prod'. */
  title: string;
  /** e.g. '[Manual]-[Prod]-deployment · run 20261126.3 · started by Alice'. */
  detail: string;
  /** e.g. '12m'. */
  waiting: string;
}

export interface DashboardLockRow {
  environment: string;
  lockedBy: string;
  reason: string;
  age: string;
}

/** `cards/dashboard.json`: the `status` command, the Azure Dashboard in chat. */
export interface DashboardCardData {
  title: string;
  asOf: string;
  /**
   * What each environment runs now, first on the card: title = environment, value e.g.
   * 'v3 · since 2026-11-28 14:02 UTC · by Alex Wilber · run #121 · 20261128.1'.
   */
  live: Fact[];
  hasLive: boolean;
  pipelines: DashboardPipelineRow[];
  hasPipelines: boolean;
  approvals: DashboardApprovalRow[];
  hasApprovals: boolean;
  locks: DashboardLockRow[];
  hasLocks: boolean;
  /** DEV environment age against its 24 h deletion. */
  hasDev: boolean;
  devText: string;
  devDetail: string;
  devColor: TextColor;
}

export interface HelpCommandRow {
  usage: string;
  summary: string;
  /** '' when there is none. */
  example: string;
  hasExample: boolean;
}

/** `cards/help.json`. */
export interface HelpCardData {
  title: string;
  intro: string;
  commands: HelpCommandRow[];
  footer: string;
}

export type ConfirmState = 'pending' | 'confirmed' | 'cancelled' | 'expired';

/**
 * `cards/confirm.json`: a prod deploy asks before it runs. Only the requester gets the buttons
 * (through `refreshUserIds`); others see who must confirm.
 */
export interface ConfirmCardData {
  state: ConfirmState;
  isPending: boolean;
  /** True only in the requester's own pending view. */
  showButtons: boolean;
  icon: string;
  statusText: string;
  style: CardStyle;
  title: string;
  /** One sentence saying what will run. */
  summary: string;
  facts: Fact[];
  /** What confirming does to the live model, e.g. 'v3 → v2, a downgrade'; '' when unknown. */
  change: string;
  /** A downgrade or rollback: said in the attention colour above the facts. */
  isDowngrade: boolean;
  /** e.g. 'Build → Deploy_Prod'. */
  stagesText: string;
  requestedBy: string;
  /** e.g. 'Confirm by 2026-11-26 14:10 UTC (5m 0s from when I asked).': absolute, never stale. */
  expiresText: string;
  /** e.g. 'Confirmed by Alice at 2026-11-26 14:06 UTC'; '' while pending. */
  decidedText: string;
  confirmData: ConfirmActionData;
  declineData: ConfirmActionData;
  hasRefresh: boolean;
  refreshUserIds: string[];
  refreshData: ConfirmActionData;
}

/** `cards/usage-error.json`: what was wrong with a command and how to write it. */
export interface UsageErrorCardData {
  title: string;
  problem: string;
  usage: string;
  example: string;
  hasExample: boolean;
  /** Did-you-mean commands, e.g. `deploy custom-qa model v3`. */
  suggestions: string[];
  hasSuggestions: boolean;
  /** Whole commands for the "Did you mean" buttons (each sends its text as the person). */
  suggestedCommands: string[];
  helpHint: string;
}

export interface ListColumn {
  title: string;
  /**
   * A relative weight, or fixed pixels (`'64px'`) for short values: a weighted column shrinks
   * with the chat until its header splits mid-word ("Approval s"); a fixed one does not.
   */
  width: number | `${number}px`;
}

export interface ListRow {
  /** One string per column. */
  cells: string[];
}

/** `cards/list.json`: a titled table for runs, approvals, models, locks, subscriptions. */
export interface ListCardData {
  title: string;
  subtitle: string;
  columns: ListColumn[];
  rows: ListRow[];
  hasRows: boolean;
  emptyText: string;
  footer: string;
}

/** `cards/message.json`: plain answers, refusals and errors. */
export interface MessageCardData {
  title: string;
  text: string;
  style: 'good' | 'attention' | 'warning' | 'default';
  icon: string;
  facts: Fact[];
  hasFacts: boolean;
  linkTitle: string;
  linkUrl: string;
  hasLink: boolean;
}

/** `cards/notification.json`: what a subscribed channel hears about a pipeline event. */
export interface NotificationCardData {
  icon: string;
  title: string;
  style: CardStyle;
  summary: string;
  pipelineName: string;
  runName: string;
  facts: Fact[];
  hasFacts: boolean;
  timestamp: string;
  linkTitle: string;
  runUrl: string;
  hasLink: boolean;
}

/** Card id (file name in `cards/` without `.json`) → the data its template binds. */
export interface CardDataMap {
  'run-status': RunStatusCardData;
  approval: ApprovalCardData;
  dashboard: DashboardCardData;
  help: HelpCardData;
  confirm: ConfirmCardData;
  'usage-error': UsageErrorCardData;
  list: ListCardData;
  message: MessageCardData;
  notification: NotificationCardData;
}

export type CardId = keyof CardDataMap;

/** Every card id, in a stable order (for tests and docs). */
export const CARD_IDS: readonly CardId[] = [
  'run-status',
  'approval',
  'dashboard',
  'help',
  'confirm',
  'usage-error',
  'list',
  'message',
  'notification',
];
