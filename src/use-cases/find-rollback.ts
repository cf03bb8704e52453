import { catalogIndex } from '../catalog/catalog-index';
import type { EnvironmentSpec } from '../catalog/catalog-schema';
import type { RunSummary } from '../devops/devops-port';
import type { UseCaseDeps } from './use-case-deps';

/**
 * Where a rollback of an environment goes: the model of the latest successful deploy
 * (`current`) and the last successful deploy with another model (`previous`, its `model`), or
 * `refused:nothing-to-roll-back` (`current` absent when nothing succeeded yet).
 */
export type RollbackTarget =
  | { code: 'refused:nothing-to-roll-back'; environment: EnvironmentSpec; current?: string }
  | {
      code: 'roll-back';
      environment: EnvironmentSpec;
      current: string;
      model: string;
      previous: RunSummary;
    };

/**
 * Finds the model version to roll an environment back to, from its last 50 runs (the model
 * under the catalog's own parameter name). Azure DevOps failures are thrown.
 * @example const t = await findRollback('prod', deps); if (t.code === 'roll-back') t.model // '2'
 */
export async function findRollback(
  environmentKey: string,
  deps: Pick<UseCaseDeps, 'catalog' | 'devops'>,
): Promise<RollbackTarget> {
  const index = catalogIndex(deps.catalog);
  const environment = index.requireEnvironment(environmentKey);
  const runs = await deps.devops.listRuns({ pipelineKey: environment.pipeline, top: 50 });
  const good = runs.filter(
    (r) =>
      r.state === 'completed' && r.result === 'succeeded' && index.modelVersionOf(r.parameters),
  );
  const current = index.modelVersionOf(good[0]?.parameters);
  const previous = good.find((r) => index.modelVersionOf(r.parameters) !== current);
  const model = index.modelVersionOf(previous?.parameters);
  if (!current || !previous || !model) {
    return { code: 'refused:nothing-to-roll-back', environment, current };
  }
  return { code: 'roll-back', environment, current, model, previous };
}
