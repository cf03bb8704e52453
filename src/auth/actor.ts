/** The person behind an activity, as Teams identifies them. */
export interface Actor {
  /** Stable id: Entra object id when Teams sends one, else the Teams user id. */
  id: string;
  name: string;
  /** UPN / email, when known (Teams member lookup or token). */
  upn?: string;
  aadObjectId?: string;
  /** Teams user id (`29:…`), used for user-specific card views. */
  teamsId: string;
}
