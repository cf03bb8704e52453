import { join } from 'node:path';
import { CatalogAuthorizer } from '../../../src/auth/authorizer';
import { loadCatalog } from '../../../src/catalog/load-catalog';
import { createRegistry } from '../../../src/commands/create-registry';
import { router } from '../../../src/core/middleware/router';
import { InMemoryDevOps } from '../../support/in-memory-devops';
import { aTurn, kit } from '../turn-kit';

describe('router middleware', () => {
  const catalog = loadCatalog(join(__dirname, '../../../config/digitre.yaml'));
  const setup = () => {
    const k = kit();
    const registry = createRegistry();
    const deps = {
      catalog,
      devops: new InMemoryDevOps(catalog),
      store: k.store,
      clock: k.clock,
      authorizer: new CatalogAuthorizer(catalog, { localMode: true }),
      registry,
      localMode: true,
    };
    return router({ registry, deps, logger: k.logger });
  };
  const withContext = (turn = aTurn()) => {
    turn.ctx = { actor: turn.actor, conversation: turn.conversation };
    return turn;
  };

  it('runs the command a message names', async () => {
    const turn = withContext(aTurn({ text: 'help' }));
    await setup()(turn, async () => undefined);
    expect(turn.command).toBe('help');
    expect(turn.answer).toMatchObject({ kind: 'reply' });
    expect(JSON.stringify(turn.answer)).toContain('help [command]');
  });

  it('answers text that is no command with a usage reply, outcome usage', async () => {
    const turn = withContext(aTurn({ text: 'hlep' }));
    await setup()(turn, async () => undefined);
    expect(turn.answer).toMatchObject({ kind: 'reply', reply: { outcome: 'usage' } });
  });
});
