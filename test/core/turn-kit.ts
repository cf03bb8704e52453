import pino from 'pino';
import { manualClock } from '../../src/clock/clock';
import { newTurn, type Turn } from '../../src/core/turn';
import { MemoryStore } from '../../src/store/memory-store';

/** A silent logger, a manual clock and a memory store: the parts a middleware test needs. */
export function kit() {
  const clock = manualClock(Date.parse('2026-11-29T10:00:00Z'));
  return { clock, store: new MemoryStore({ clock }), logger: pino({ level: 'silent' }) };
}

/** A Teams message turn from Ana in a personal chat; `init` overrides any field. */
export function aTurn(init: Partial<Turn> = {}): Turn {
  return newTurn({
    platform: 'teams',
    kind: 'message',
    deliveryId: 'a-1',
    actor: { id: 'aad-ana', name: 'Ana', teamsId: '29:ana', aadObjectId: 'aad-ana' },
    conversation: { id: 'c-1', type: 'personal' },
    tenantIds: ['t-1'],
    text: 'help',
    capabilities: {},
    ...init,
  });
}

/** A `next` that records it ran and answers as the router would. */
export function recordingNext(turn: Turn, reply = true) {
  const calls: string[] = [];
  const next = async () => {
    calls.push('next');
    if (reply) {
      turn.command = 'help';
      turn.answer = {
        kind: 'reply',
        reply: { card: 'message', data: { style: 'good', title: 'ok', text: 'ok' } } as never,
      };
    }
  };
  return { calls, next };
}
