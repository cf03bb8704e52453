import { messageReply } from '../../../src/commands/message-reply';
import { metrics } from '../../../src/core/middleware/metrics';
import { createMetrics } from '../../../src/metrics/metrics';
import { aTurn } from '../turn-kit';

describe('metrics middleware', () => {
  it('counts each command by its outcome family', async () => {
    const m = createMetrics({ defaultMetrics: false });
    const middleware = metrics(m);
    for (const outcome of ['ok', 'usage', 'failed:devops'] as const) {
      const turn = aTurn();
      await middleware(turn, async () => {
        turn.command = 'deploy';
        turn.answer = { kind: 'reply', reply: { ...messageReply('good', 'a', 'b'), outcome } };
      });
    }
    const text = await m.registry.metrics();
    expect(text).toMatch(/chatops_commands_total\{command="deploy",outcome="ok"\} 1/);
    expect(text).toMatch(/chatops_commands_total\{command="deploy",outcome="usage"\} 1/);
    expect(text).toMatch(/chatops_commands_total\{command="deploy",outcome="failed"\} 1/);
  });
});
