import { messageReply } from '../../src/commands/message-reply';
import { STALE_CLAIM_MS, claimApprovalCard } from '../../src/conversations/approval-cards';
import { postApprovalCard } from '../../src/publisher/approval-card-publisher';
import { DeliveryDeferredError } from '../../src/publisher/delivery-errors';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { OPS, RUN, teamsPublisherRig } from './teams-publisher-rig';

const card = { ...messageReply('warning', 'Waiting for approval', 'Run 143.'), runId: RUN.id };

describe('an approval card whose poster died, or whose post waits in the outbox', () => {
  let connector: FakeConnector;
  let t: Awaited<ReturnType<typeof teamsPublisherRig>>;
  beforeEach(async () => {
    connector = await startFakeConnector();
    t = await teamsPublisherRig(connector, { policy: { maxAttempts: 2, baseDelayMs: 1 } });
  });
  afterEach(() => connector.close());
  const posts = () => connector.calls.filter((c) => c.method === 'POST');

  it('a claim left by a killed replica: the redelivered event posts the card once it is stale', async () => {
    const killedAt = Date.now() - STALE_CLAIM_MS;
    expect(await claimApprovalCard(t.store, 'ap-1', OPS, killedAt)).toBe(true);
    expect(await postApprovalCard(t.publisher, OPS, 'ap-1', card)).toBe(true);
    expect(posts()).toHaveLength(1);
    expect(await postApprovalCard(t.publisher, OPS, 'ap-1', card)).toBe(false);
    expect(posts()).toHaveLength(1);
  });

  it('a post the outbox took is not posted again by a redelivered event, even much later', async () => {
    connector.failNext(2, 503);
    await expect(postApprovalCard(t.publisher, OPS, 'ap-2', card)).rejects.toBeInstanceOf(
      DeliveryDeferredError,
    );
    const later = Date.now() + 10 * STALE_CLAIM_MS;
    expect(await claimApprovalCard(t.store, 'ap-2', OPS, later)).toBe(false);
    expect(posts()).toHaveLength(0); // the connector refused both attempts; the outbox has it
  });
});
