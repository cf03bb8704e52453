import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { manualClock } from '../../src/clock/clock';
import { CachedDevOps } from '../../src/devops/cached-devops';
import { InMemoryDevOps } from '../support/in-memory-devops';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));

describe('CachedDevOps', () => {
  function setup() {
    const clock = manualClock(0);
    const inner = new InMemoryDevOps(catalog, { clock });
    const cached = new CachedDevOps(inner, clock, 60_000);
    const modelCalls = () => inner.calls.filter((c) => c.method === 'modelVersions').length;
    return { clock, inner, cached, modelCalls };
  }

  it('reads model versions once per ttl, and again after it', async () => {
    const { clock, cached, modelCalls } = setup();
    await cached.modelVersions();
    await cached.modelVersions();
    expect(modelCalls()).toBe(1);
    clock.advance(60_001);
    await cached.modelVersions();
    expect(modelCalls()).toBe(2);
  });

  it('looks again when a named version is missing, and after invalidation', async () => {
    const { inner, cached, modelCalls } = setup();
    expect((await cached.modelVersions()).map((v) => v.version)).toEqual(['3', '2', '1']);
    inner.addModelVersion('4');
    expect((await cached.modelVersions({ mustInclude: '3' }))[0]!.version).toBe('3');
    expect((await cached.modelVersions({ mustInclude: '4' }))[0]!.version).toBe('4');
    expect(modelCalls()).toBe(2);
    cached.invalidateModels();
    await cached.modelVersions();
    expect(modelCalls()).toBe(3);
  });

  it('shares one request between concurrent callers, and passes other calls through', async () => {
    const { cached, modelCalls, inner } = setup();
    await Promise.all([cached.modelVersions(), cached.modelVersions(), cached.modelVersions()]);
    expect(modelCalls()).toBe(1);
    await cached.listRuns({ top: 1 });
    expect(inner.calls.at(-1)!.method).toBe('listRuns');
  });

  it('passes getRun({ known }) and failingLogTail({ failedTask }) through as given', async () => {
    const { cached, inner } = setup();
    const [known] = await cached.listRuns({ top: 1 });
    const opts = { withStages: true, known: known! };
    expect(await cached.getRun(known!.id, opts)).toEqual(await inner.getRun(known!.id, opts));
    expect(inner.calls.at(-2)).toEqual({ method: 'getRun', args: [known!.id, opts] });
    const tailOpts = { maxLines: 5, failedTask: { task: 't', logId: 3 } };
    await cached.failingLogTail(known!.id, tailOpts);
    expect(inner.calls.at(-1)).toEqual({ method: 'failingLogTail', args: [known!.id, tailOpts] });
  });
});
