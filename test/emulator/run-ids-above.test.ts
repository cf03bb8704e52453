import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator } from '../../src/emulator/start-emulator';

describe('the emulator’s run ids after a restart', () => {
  const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));

  it('keeps the seeded history’s ids and queues new runs above runIdsAbove', async () => {
    const fresh = await startEmulator({ catalog, taskMs: 5 });
    const restarted = await startEmulator({ catalog, taskMs: 5, runIdsAbove: 130 });
    try {
      const ids = (e: typeof fresh) => e.engine.runs().map((r) => r.id);
      expect(ids(restarted)).toEqual(ids(fresh));
      const seededTop = Math.max(...ids(fresh));
      expect(fresh.queueRun('qa').id).toBe(seededTop + 1);
      expect(restarted.queueRun('qa').id).toBe(131);
    } finally {
      await fresh.close();
      await restarted.close();
    }
  });

  it('never goes below the seeded history when the store remembers only older runs', async () => {
    const emu = await startEmulator({ catalog, taskMs: 5, runIdsAbove: 105 });
    try {
      const seededTop = Math.max(...emu.engine.runs().map((r) => r.id));
      expect(emu.queueRun('qa').id).toBe(seededTop + 1);
    } finally {
      await emu.close();
    }
  });
});

describe('the emulator’s build numbers after a restart', () => {
  const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));

  it("continues a pipeline's numbers of the day after the builds given out before", async () => {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    const emu = await startEmulator({
      catalog,
      taskMs: 5,
      buildsSoFar: [
        { pipelineKey: 'qa', day, count: 3 },
        { pipelineKey: 'not-in-the-catalog', day, count: 9 },
      ],
    });
    try {
      expect(emu.queueRun('qa').buildNumber).toBe(`${day}.4`);
      expect(emu.queueRun('prod').buildNumber).toBe(`${day}.1`);
    } finally {
      await emu.close();
    }
  });
});
