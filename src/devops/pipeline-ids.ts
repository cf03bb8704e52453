import type { Catalog, PipelineSpec } from '../catalog/catalog-schema';
import type { AdoTransport } from './ado-transport';
import { signInError } from './ado-transport';
import { DevOpsError } from './devops-port';

/**
 * Pipeline ids by Azure DevOps name: one list call, cached, reloaded once on a miss (the
 * pipeline may have been created since). Names are case-insensitive, as Azure DevOps has them.
 * @example const id = await ids.of(index.requirePipeline('qa'));
 */
export class PipelineIds {
  private ids: Promise<Map<string, number>> | undefined;

  constructor(
    private readonly t: AdoTransport,
    private readonly project: string,
  ) {}

  /** The id of a catalog pipeline; notFound (naming the fix) when the project has none. */
  async of(spec: PipelineSpec): Promise<number> {
    const name = spec.name.toLowerCase();
    let ids = await this.load();
    if (!ids.has(name)) {
      this.ids = undefined; // maybe created since we looked
      ids = await this.load();
    }
    const id = ids.get(name);
    if (id === undefined) {
      throw new DevOpsError(
        'notFound',
        `pipeline "${spec.name}" does not exist in project ${this.project}; check the catalog's pipeline names`,
      );
    }
    return id;
  }

  /** The ids of every catalog pipeline the project has (missing ones left out). */
  async ofCatalog(catalog: Catalog): Promise<number[]> {
    const ids = await this.load();
    return catalog.pipelines.flatMap((p) => {
      const id = ids.get(p.name.toLowerCase());
      return id === undefined ? [] : [id];
    });
  }

  private load(): Promise<Map<string, number>> {
    this.ids ??= this.t
      .retrying('listPipelines', () =>
        this.t.call('listPipelines', async () =>
          (await this.t.pipelines()).listPipelines(this.project, undefined, 1000),
        ),
      )
      .then(
        (list) => {
          // A JSON API never answers null here: that is an HTML page (sign-in, proxy, wrong URL).
          if (!list) throw signInError('listPipelines');
          return new Map(
            list.flatMap((p) => (p.name && p.id ? [[p.name.toLowerCase(), p.id]] : [])),
          );
        },
        (err: unknown) => {
          this.ids = undefined; // don't cache a failure
          throw err;
        },
      );
    return this.ids;
  }
}
