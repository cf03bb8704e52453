import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createAdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';

const catalog = loadCatalog('config/digitre.yaml');

/** A Devops-MLops checkout whose QA pipeline predates the chatopsRequestId parameter. */
function pipelinesWithoutRequestId(): string {
  const root = mkdtempSync(join(tmpdir(), 'pipelines-'));
  cpSync('pipelines', join(root, 'pipelines'), { recursive: true });
  const file = join(root, 'pipelines', 'qa-deploy.yml');
  const text = readFileSync(file, 'utf8');
  const cut = text.replace(/ {2}# Set by DigitRE ChatOps[\s\S]*?default: ''\n/, '');
  expect(cut).not.toContain('chatopsRequestId');
  writeFileSync(file, cut);
  return root;
}

describe('chatopsRequestId: idempotent queuing through a runtime parameter', () => {
  let emu: Emulator;
  let root: string;
  const warnings: string[] = [];
  beforeAll(async () => {
    root = pipelinesWithoutRequestId();
    emu = await startEmulator({ catalog, taskMs: 20, seed: false, pipelinesRoot: root });
  });
  afterAll(async () => {
    await emu.close();
    rmSync(root, { recursive: true, force: true });
  });
  const devops = () =>
    createAdoDevOps({
      orgUrl: emu.orgUrl,
      project: emu.project,
      catalog,
      auth: { pat: emu.pat },
      sleep: () => Promise.resolve(),
      logger: { debug: () => undefined, warn: (_o, msg) => warnings.push(msg) },
    });

  it('sends the request id as a template parameter where the pipeline declares it', async () => {
    const run = await devops().runPipeline({
      pipelineKey: 'custom-qa',
      parameters: { modelVersion: '2' },
      correlationId: 'req-1',
    });
    const stored = emu.engine.run(run.id)!;
    expect(stored.templateParameters).toEqual({ modelVersion: '2', chatopsRequestId: 'req-1' });
    expect(stored.variables).toEqual({});
  });

  it('still runs a pipeline that lacks the parameter, once, and says it is unprotected', async () => {
    const d = devops();
    emu.requestLog.clear();
    const before = emu.engine.runs().length;
    const run = await d.runPipeline({
      pipelineKey: 'qa',
      parameters: { modelVersion: '2' },
      correlationId: 'req-2',
    });
    expect(emu.engine.runs().length).toBe(before + 1);
    expect(emu.engine.run(run.id)!.templateParameters).toEqual({ modelVersion: '2' });
    expect(warnings.some((w) => /does not declare the chatopsRequestId/.test(w))).toBe(true);
    // Remembered: the next run goes out without it, in one POST.
    emu.requestLog.clear();
    await d.runPipeline({
      pipelineKey: 'qa',
      parameters: { modelVersion: '3' },
      correlationId: 'r3',
    });
    expect(emu.requestLog.count({ method: 'POST', path: /\/runs/i })).toBe(1);
  });
});
