import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog } from '../../src/catalog/load-catalog';
import { cardOf, ENGINEER, handlerHarness, LEAD } from '../commands/handlers/handler-harness';

/**
 * Another team's catalog names the model parameter `model_tag`: every card that shows a model
 * reads it under that name (it was hard-coded as `modelVersion`, so such a catalog showed none).
 */
function modelTagHarness() {
  const yaml = readFileSync(join(__dirname, '../../config/digitre.yaml'), 'utf8');
  const catalog = parseCatalog(yaml.replaceAll('modelVersion', 'model_tag'), 'model_tag catalog');
  expect(catalog.models?.parameter).toBe('model_tag');
  return handlerHarness({ catalog });
}

describe('a catalog whose model parameter is model_tag', () => {
  it('shows the model on the run card of a deploy', async () => {
    const h = modelTagHarness();
    const reply = await h.run('deploy qa model v3', { actor: ENGINEER });
    expect(cardOf(reply, 'run-status').modelVersion).toBe('v3');
    const queued = h.devops.calls.find((c) => c.method === 'runPipeline')!;
    expect(queued.args[0]).toMatchObject({ parameters: { model_tag: '3' } });
  });

  it('shows the model on the deploy confirm card', async () => {
    const h = modelTagHarness();
    const card = cardOf(await h.run('deploy prod model v2', { actor: LEAD }), 'confirm');
    expect(card.title).toBe('Deploy model v2 to Production?');
    expect(card.facts).toContainEqual(expect.objectContaining({ value: 'v2' }));
  });

  it('shows the live model and DEV’s model on the dashboard', async () => {
    const h = modelTagHarness();
    for (const pipelineKey of ['qa', 'dev']) {
      const run = h.devops.addRun({ pipelineKey, parameters: { model_tag: '3' } });
      h.devops.advance(run.id, 'succeeded');
    }
    const card = cardOf(await h.run('status', { actor: LEAD }), 'dashboard');
    expect(card.live.find((f) => f.title === 'QA')?.value).toMatch(/\bv3\b/);
    expect(card.devDetail).toMatch(/, model v3, deployed /);
  });
});
