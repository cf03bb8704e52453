/**
 * The slices of Azure DevOps JSON this adapter reads. Enums and dates are typed loosely on
 * purpose: node-api hands us numbers and `Date`s, raw REST hands us strings, and the mappers
 * accept both (so the same code maps fixtures, raw responses and node-api results).
 */
export type WireEnum = number | string | null | undefined;
export type WireDate = Date | string | null | undefined;

export interface IdentityLike {
  id?: string;
  displayName?: string;
  uniqueName?: string;
}

export interface BuildLike {
  id?: number;
  buildNumber?: string;
  status?: WireEnum;
  result?: WireEnum;
  definition?: { id?: number; name?: string };
  sourceBranch?: string;
  templateParameters?: Record<string, unknown> | null;
  /** Queue-time variables as a JSON string, e.g. `{"chatopsCorrelationId":"c-1"}`. */
  parameters?: string | null;
  tags?: string[] | null;
  requestedFor?: IdentityLike | null;
  queueTime?: WireDate;
  finishTime?: WireDate;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-api types _links as any
  _links?: any;
}

export interface RunLike {
  id?: number;
  name?: string;
  state?: WireEnum;
  result?: WireEnum;
  pipeline?: { id?: number; name?: string };
  templateParameters?: Record<string, unknown> | null;
  resources?: { repositories?: Record<string, { refName?: string } | undefined> | null } | null;
  createdDate?: WireDate;
  finishedDate?: WireDate;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-api types _links as any
  _links?: any;
}

export interface TimelineRecordLike {
  id?: string;
  parentId?: string | null;
  type?: string;
  name?: string;
  identifier?: string | null;
  refName?: string | null;
  state?: WireEnum;
  result?: WireEnum;
  order?: number | null;
  startTime?: WireDate;
  finishTime?: WireDate;
  log?: { id?: number } | null;
}

export interface TimelineLike {
  records?: TimelineRecordLike[] | null;
}

export interface ApprovalStepLike {
  assignedApprover?: IdentityLike | null;
  actualApprover?: IdentityLike | null;
  status?: string | null;
  comment?: string | null;
  lastModifiedOn?: string | null;
  initiatedOn?: string | null;
}

export interface ApprovalLike {
  id?: string;
  status?: string;
  createdOn?: string;
  lastModifiedOn?: string;
  instructions?: string | null;
  steps?: ApprovalStepLike[] | null;
  pipeline?: { id?: string | number; name?: string; owner?: { id?: number; name?: string } } | null;
}

/** ISO string of a wire date, or undefined for missing/placeholder values. */
export function isoDate(d: WireDate): string | undefined {
  if (d === null || d === undefined || d === '') return undefined;
  const date = d instanceof Date ? d : new Date(d);
  const t = date.getTime();
  // 0001-01-01 is Azure DevOps' "not set".
  if (Number.isNaN(t) || date.getUTCFullYear() <= 1) return undefined;
  return date.toISOString();
}

/** Resolves a wire enum (number or case-insensitive name) to our name, via two tables. */
export function enumName<T extends string>(
  value: WireEnum,
  byNumber: Record<number, T>,
  byName: Record<string, T>,
): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return byNumber[value];
  return byName[value.toLowerCase()];
}
