import type { Clock } from '../clock/clock';
import type { DevOpsPort, ModelVersion } from './devops-port';
import { ForwardingDevOps } from './forwarding-devops';

/**
 * Keeps the registered model versions for a short while, so a deploy costs one Azure DevOps
 * request (the run) instead of two. Versions only change when a training run registers one,
 * so the cache is dropped when the bot hears a run completed (`invalidateModels`), and a version
 * asked for by name that the cache lacks triggers one fresh look before it is refused.
 * Everything else passes straight through.
 * @example const devops = new CachedDevOps(adapter, clock, 60_000);
 */
export class CachedDevOps extends ForwardingDevOps {
  private cached?: { at: number; versions: ModelVersion[] };
  private inflight?: Promise<ModelVersion[]>;

  constructor(
    inner: DevOpsPort,
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
  ) {
    super(inner);
  }

  override async modelVersions(opts?: { mustInclude?: string }): Promise<ModelVersion[]> {
    const c = this.cached;
    const live = c && this.clock.now() - c.at < this.ttlMs;
    if (live && !(opts?.mustInclude && !c.versions.some((v) => v.version === opts.mustInclude)))
      return c.versions;
    this.inflight ??= this.inner
      .modelVersions()
      .then((versions) => {
        this.cached = { at: this.clock.now(), versions };
        return versions;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  invalidateModels(): void {
    this.cached = undefined;
  }
}
