import {
  BuildQueryOrder,
  type BuildResult,
} from 'azure-devops-node-api/interfaces/BuildInterfaces';
import type { AdoTransport } from './ado-transport';
import type { BuildLike, TimelineLike } from './wire-types';

/** The Build API list filters the adapter uses. */
export interface BuildQuery {
  definitions?: number[];
  buildIds?: number[];
  resultFilter?: BuildResult;
  top?: number;
  maxBuildsPerDefinition?: number;
}

/**
 * The Build API reads of the adapter, each one HTTP call through the transport (deadline,
 * pacing); `retrying` variants add the retry kit.
 * @example const builds = await reads.builds('listRuns', { definitions: [12], top: 10 });
 */
export class BuildReads {
  constructor(
    private readonly t: AdoTransport,
    private readonly project: string,
  ) {}

  /** A list read, retried. */
  builds(what: string, q: BuildQuery): Promise<BuildLike[]> {
    return this.t.retrying(what, () => this.buildsOnce(q));
  }

  /** One Build API list call, newest queued first (no retries of its own). */
  async buildsOnce(q: BuildQuery): Promise<BuildLike[]> {
    const list = await this.t.call('getBuilds', async () =>
      (await this.t.builds()).getBuilds(
        this.project,
        q.definitions,
        undefined, // queues
        undefined, // buildNumber
        undefined, // minTime
        undefined, // maxTime
        undefined, // requestedFor
        undefined, // reasonFilter
        undefined, // statusFilter
        q.resultFilter,
        undefined, // tagFilters
        undefined, // properties
        q.top,
        undefined, // continuationToken
        q.maxBuildsPerDefinition,
        undefined, // deletedFilter
        BuildQueryOrder.QueueTimeDescending,
        undefined, // branchName
        q.buildIds,
      ),
    );
    return list ?? [];
  }

  /** One build, retried; null when there is none. */
  build(runId: number): Promise<BuildLike | null> {
    return this.t.retrying('getRun', () =>
      this.t.call('getBuild', async () => (await this.t.builds()).getBuild(this.project, runId)),
    );
  }

  /** One timeline read, retried. */
  timeline(what: string, runId: number): Promise<TimelineLike | null> {
    return this.t.retrying(what, () =>
      this.t.call('getBuildTimeline', async () =>
        (await this.t.builds()).getBuildTimeline(this.project, runId),
      ),
    );
  }

  /** The lines of one log, retried. */
  logLines(what: string, runId: number, logId: number): Promise<string[]> {
    return this.t
      .retrying(what, () =>
        this.t.call('getBuildLogLines', async () =>
          (await this.t.builds()).getBuildLogLines(this.project, runId, logId),
        ),
      )
      .then((lines) => lines ?? []);
  }
}
