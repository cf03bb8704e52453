import { catalogIndex } from '../catalog/catalog-index';
import type { Catalog, EnvironmentSpec } from '../catalog/catalog-schema';
import type { ApprovalSummary } from '../devops/devops-port';

/**
 * The catalog environment an approval is for: the one it names (the adapter maps it from the
 * catalog), else `fallbackKey` (e.g. the run event's), else the one its pipeline deploys to.
 * One answer for deciding, the cards and who may see the buttons.
 * @example approvalEnvironment(catalog, approval)?.displayName // 'Production'
 */
export function approvalEnvironment(
  catalog: Catalog,
  approval: Pick<ApprovalSummary, 'environment' | 'pipelineKey'>,
  fallbackKey?: string,
): EnvironmentSpec | undefined {
  const index = catalogIndex(catalog);
  return (
    index.environment(approval.environment ?? fallbackKey) ??
    index.environmentOf(approval.pipelineKey)
  );
}
