import {
  STALE_CLAIM_MS,
  claimApprovalCard,
  holdDecision,
  listUnpostedApprovalCards,
  markApprovalCardQueued,
  rememberApprovalCard,
} from '../../src/conversations/approval-cards';
import { MemoryStore } from '../../src/store/memory-store';
import { manualClock } from '../notifications/notification-fixtures';

const CHAT = '19:ops@thread.tacv2';

function setup() {
  const clock = manualClock(Date.parse('2026-11-29T10:00:00Z'));
  return { clock, store: new MemoryStore({ clock }) };
}

describe('claiming an approval card: one poster per approval and chat', () => {
  it('a second claim while the first poster is at it is refused', async () => {
    const { clock, store } = setup();
    expect(await claimApprovalCard(store, 'ap-1', CHAT, clock.now())).toBe(true);
    clock.advance(STALE_CLAIM_MS - 1);
    expect(await claimApprovalCard(store, 'ap-1', CHAT, clock.now())).toBe(false);
  });

  it('a claim its poster left (a replica killed before posting) is taken over once stale, once', async () => {
    const { clock, store } = setup();
    expect(await claimApprovalCard(store, 'ap-1', CHAT, clock.now())).toBe(true);
    clock.advance(STALE_CLAIM_MS);
    // The redelivered event's processor posts the card; a third caller still does not.
    expect(await claimApprovalCard(store, 'ap-1', CHAT, clock.now())).toBe(true);
    expect(await claimApprovalCard(store, 'ap-1', CHAT, clock.now())).toBe(false);
  });

  it('a card the outbox holds is never taken over, however long the chat is down', async () => {
    const { clock, store } = setup();
    expect(await claimApprovalCard(store, 'ap-1', CHAT, clock.now())).toBe(true);
    await markApprovalCardQueued(store, 'ap-1', CHAT);
    clock.advance(60 * 60_000);
    expect(await claimApprovalCard(store, 'ap-1', CHAT, clock.now())).toBe(false);
  });

  it('a posted card, or one with a decision held for it, is never taken over', async () => {
    const { clock, store } = setup();
    await claimApprovalCard(store, 'ap-1', CHAT, clock.now());
    await rememberApprovalCard(store, 'ap-1', CHAT, 'msg-1');
    await claimApprovalCard(store, 'ap-2', CHAT, clock.now());
    const [unposted] = await listUnpostedApprovalCards(store, 'ap-2');
    expect(await holdDecision(store, 'ap-2', CHAT, 'approved', {}, unposted!.etag)).toBe(true);
    clock.advance(STALE_CLAIM_MS * 2);
    expect(await claimApprovalCard(store, 'ap-1', CHAT, clock.now())).toBe(false);
    expect(await claimApprovalCard(store, 'ap-2', CHAT, clock.now())).toBe(false);
  });
});
