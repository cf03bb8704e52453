import type * as AdaptiveCardsTypes from 'adaptivecards';

// The package's `main` is untranspiled ESM that Node cannot load; its UMD bundle is the same
// library, and parsing needs no DOM.
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsTypes;

/**
 * Everything the Adaptive Cards library objects to in a card at schema 1.5: parse events
 * (unknown types, invalid values, unsupported properties) and `validateProperties()` failures.
 */
export function adaptiveCardErrors(card: unknown): string[] {
  const errors: string[] = [];
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    errors.push(`parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of parsed.validateProperties().validationEvents) {
    errors.push(`validate: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  return errors;
}
