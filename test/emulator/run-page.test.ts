import type { Emulator } from '../../src/emulator/start-emulator';
import { fastEmulator, patApi, rawRequest } from './emulator-fixture';

describe('emulator: the run page behind _links.web', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await fastEmulator({ seed: false });
  });
  afterAll(() => emu.close());

  it('serves the run, its stages, tasks and log lines as HTML at the link the API gives', async () => {
    emu.engine.failNext('qa', {
      stage: 'Deploy_QA',
      task: 'Deploy endpoint',
      lines: ['quota <exceeded> for endpoint'],
    });
    const pipelines = await patApi(emu).getPipelinesApi();
    const run = await pipelines.runPipeline(
      { templateParameters: { modelVersion: '<b>3</b>' } },
      emu.project,
      emu.pipelineId('qa'),
    );
    await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
    const href = (run._links as { web: { href: string } }).web.href;
    const page = await rawRequest(href); // no credentials: a browser opening the card's link
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('[QA]-Deploy');
    expect(page.text).toMatch(/Status: <strong>failed<\/strong>/);
    expect(page.text).toContain('Deploy QA');
    expect(page.text).toContain('Integration tests');
    expect(page.text).toContain('quota &lt;exceeded&gt; for endpoint');
    expect(page.text).toContain('modelVersion: &lt;b&gt;3&lt;/b&gt;');
    expect(page.text).not.toContain('<b>3</b>');
  });

  it('answers 404 for a run that does not exist', async () => {
    const res = await rawRequest(`${emu.orgUrl}/${emu.project}/_build/results?buildId=424242`);
    expect(res.status).toBe(404);
  });
});
