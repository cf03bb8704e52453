import type { Clock } from '../../clock/clock';
import type { EmulatorContext } from '../emulator-context';
import type { HookRegistry } from '../hook-registry';
import type { EmulatedRun } from '../model';
import type { RunEngine } from '../run-engine';
import { AdoHttpError } from '../http-reply';

/** What the route modules share. */
export interface RouteDeps {
  ctx: EmulatorContext;
  engine: RunEngine;
  hooks: HookRegistry;
  clock: Clock;
  /** HMAC key for signed log URLs. */
  signingKey: string;
  /** Variables marked "Settable at queue time" (a UI-only setting); default none. */
  settableVariables: readonly string[];
  /** Whether the PAT's identity is named in environment approval checks (local mode). */
  serviceIdentityIsApprover: boolean;
}

/** 404 with the real TF200016 message unless `name` is the project's name or id. */
export function requireProject(deps: RouteDeps, name: string | undefined): void {
  const p = deps.ctx.project;
  if (name && (name.toLowerCase() === p.name.toLowerCase() || name.toLowerCase() === p.id)) return;
  throw new AdoHttpError(
    404,
    'ProjectDoesNotExistWithNameException',
    `TF200016: The following project does not exist: ${name ?? ''}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
    'server',
  );
}

export function requireBuild(deps: RouteDeps, id: string | undefined): EmulatedRun {
  const run = deps.engine.run(Number(id));
  if (!run) {
    throw new AdoHttpError(
      404,
      'BuildNotFoundException',
      `The requested build ${id ?? ''} could not be found.`,
      'build',
    );
  }
  return run;
}

/** A non-negative integer query value, or undefined. */
export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new AdoHttpError(
      400,
      'ArgumentException',
      `The value '${v}' of parameter '${name}' is not a valid integer.`,
    );
  }
  return n;
}

/**
 * A flags enum from a query value: numbers (what node-api sends) or camelCase names, comma
 * separated (what raw REST sends). Unknown names answer 400.
 */
export function flagsParam(
  q: URLSearchParams,
  name: string,
  table: Record<string, number>,
): number | undefined {
  const v = q.get(name);
  if (v === null || v.trim() === '') return undefined;
  let mask = 0;
  for (const part of v.split(',').map((s) => s.trim())) {
    if (/^\d+$/.test(part)) {
      mask |= Number(part);
      continue;
    }
    const hit = Object.entries(table).find(([k]) => k.toLowerCase() === part.toLowerCase());
    if (!hit) {
      throw new AdoHttpError(
        400,
        'ArgumentException',
        `'${part}' is not a valid value for ${name}. Valid values: ${Object.keys(table).join(', ')}.`,
      );
    }
    mask |= hit[1];
  }
  return mask;
}

export function csvParam(q: URLSearchParams, name: string): string[] | undefined {
  const v = q.get(name);
  if (v === null || v.trim() === '') return undefined;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}
