/** Someone the bot has seen in Teams, so roles by UPN or object id map to Teams user ids. */
export interface Person {
  teamsId: string;
  name: string;
  upn?: string;
  aadObjectId?: string;
  /** Epoch ms when last seen. */
  seenAt: number;
}

/** Store collection; keys are `upn:<lower-case upn>`, `aad:<object id>` and `teams:<id>`. */
export const PEOPLE_COLLECTION = 'people';
/** People are forgotten after 90 days unseen (they may have left the team). */
export const PERSON_TTL_MS = 90 * 24 * 3600_000;
