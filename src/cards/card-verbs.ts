/**
 * The `Action.Execute` verbs the cards use, as one table so the templates, the invoke handlers
 * and the contract test agree. Templates spell the values literally (they are JSON); the test
 * in `test/cards/render-card.test.ts` checks every rendered verb is listed here.
 *
 * @example
 *   if (invoke.action.verb === CARD_VERBS.approve) { ... }
 */
export const CARD_VERBS = {
  approve: 'approval.approve',
  reject: 'approval.reject',
  cancelRun: 'run.cancel',
  retryRun: 'run.retry',
  confirm: 'confirm.accept',
  decline: 'confirm.decline',
  refresh: 'card.refresh',
} as const;

export type CardVerbKey = keyof typeof CARD_VERBS;
export type CardVerb = (typeof CARD_VERBS)[CardVerbKey];

const VERB_VALUES: ReadonlySet<string> = new Set(Object.values(CARD_VERBS));

/**
 * Narrows an incoming invoke verb.
 * @example isCardVerb('run.cancel') // true
 */
export function isCardVerb(verb: unknown): verb is CardVerb {
  return typeof verb === 'string' && VERB_VALUES.has(verb);
}
