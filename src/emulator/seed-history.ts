import type { Clock } from '../clock/clock';
import type { EmulatorContext } from './emulator-context';
import { identityForPrincipal, sameIdentity, serviceIdentity } from './identities';
import type { Identity } from './model';
import type { RunEngine } from './run-engine';

const HOUR = 3600_000;

/**
 * Three finished runs per pipeline over the last three days (the middle one failed, except for
 * the model pipeline, whose runs all succeed and register model versions 1, 2, 3), so the
 * dashboard, history and `model vN` checks have data on a fresh start.
 */
export function seedHistory(ctx: EmulatorContext, engine: RunEngine, clock: Clock): void {
  const people = ctx.catalog.roles.runners
    .map(identityForPrincipal)
    .filter((i): i is Identity => i !== undefined);
  const modelParam = ctx.catalog.models?.parameter ?? 'modelVersion';
  const now = clock.now();
  for (let j = 0; j < 3; j++) {
    for (const [i, def] of ctx.definitions.entries()) {
      const at = now - (3 - j) * 24 * HOUR + i * 10 * 60000;
      const env = def.spec.environment
        ? ctx.catalog.environments.find((e) => e.key === def.spec.environment)
        : undefined;
      const deployers = (env?.deployers ?? [])
        .map(identityForPrincipal)
        .filter((x): x is Identity => x !== undefined);
      const requestedBy = deployers[0] ?? people[j % Math.max(1, people.length)] ?? serviceIdentity;
      const approvers = (env?.approval?.approvers ?? [])
        .map(identityForPrincipal)
        .filter((x): x is Identity => x !== undefined);
      const approver = approvers.find((a) => !sameIdentity(a, requestedBy)) ?? approvers[0];
      const templateParameters: Record<string, string> = {};
      for (const p of def.spec.parameters) {
        if (p.name === modelParam) templateParameters[p.name] = String(j + 1);
        else if (p.default !== undefined) templateParameters[p.name] = String(p.default);
      }
      const fails = j === 1 && !def.spec.registersModel;
      const run = engine.addHistoricalRun(
        {
          definitionId: def.id,
          templateParameters,
          variables: {},
          sourceBranch: `refs/heads/${def.spec.defaultBranch}`,
          requestedBy,
          reason: def.spec.triggers.some((t) => /schedul/i.test(t)) ? 'schedule' : 'manual',
        },
        at,
        {
          result: fails ? 'failed' : 'succeeded',
          failLines: [
            `Running ${def.spec.stages[def.spec.stages.length - 1]?.tasks[0] ?? 'task'}...`,
            `ERROR: Operation timed out after 600 seconds waiting for the Azure ML workspace to respond.`,
          ],
          ...(approver ? { approver } : {}),
        },
      );
      if (!fails && def.spec.registersModel) run.tags.push(engine.nextModelTag());
    }
  }
}
