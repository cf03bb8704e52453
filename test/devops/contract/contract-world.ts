import { join } from 'node:path';
import { loadCatalog } from '../../../src/catalog/load-catalog';
import { catalogIndex } from '../../../src/catalog/catalog-index';
import type { ActAs, DevOpsPort } from '../../../src/devops/devops-port';
import { unsignedJwt } from '../../support/unsigned-jwt';

/** The catalog every implementation is held to. */
export const contractCatalog = loadCatalog(join(__dirname, '../../../config/digitre.yaml'));

/** How a failing run fails: in this stage (YAML name), at this task, its log ending so. */
export interface FailSpec {
  stage: string;
  task: string;
  lines: string[];
}

/**
 * A `DevOpsPort` plus the few levers a test needs to move the world it talks to: the fake moves
 * its runs when told, the emulator runs them itself and the levers only wait.
 */
export interface DevOpsWorld {
  devops: DevOpsPort;
  /** The next run of `pipelineKey` fails as described. */
  failNext(pipelineKey: string, failure: FailSpec): void;
  /** Resolves once the run waits on its approval. */
  untilWaiting(runId: number): Promise<void>;
  /** Resolves once the run has completed (call after any approval was decided). */
  untilCompleted(runId: number): Promise<void>;
  close(): Promise<void>;
}

export type DevOpsWorldFactory = () => Promise<DevOpsWorld>;

/** A catalog person's own Azure DevOps token (on-behalf-of), as Entra ID would issue it. */
export function personToken(upn: string): ActAs {
  return {
    bearerToken: unsignedJwt({
      oid: `oid-${upn}`,
      upn,
      name: upn.split('@')[0],
      aud: '499b84ac-1321-427f-aa17-267ca6975798',
      exp: Math.floor(Date.now() / 1000) + 3600,
    }),
  };
}

export const APPROVER = 'release.manager@digitre.example';
export const NOT_APPROVER = 'ml.engineer@digitre.example';
export const index = catalogIndex(contractCatalog);
/** Parameters carrying a model version, under the catalog's parameter name. */
export const model = (v: string) => ({ [index.modelParameter]: v });
let n = 0;
export const correlation = () => `contract-${++n}-${Date.now()}`;

/** What each part of the contract gets: the world (ready in its `beforeAll`) and a queue helper. */
export interface ContractContext {
  world(): DevOpsWorld;
  queue(
    pipelineKey: string,
    parameters: Record<string, string>,
    extra?: { lookFirst?: boolean },
  ): ReturnType<DevOpsPort['runPipeline']>;
}
