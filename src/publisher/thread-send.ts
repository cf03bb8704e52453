import { getRunThread, rememberRunThread } from '../conversations/run-thread';
import type { Logger } from '../logging/create-logger';
import type { Store } from '../store/store';
import type { ChatChannel } from './chat-channel';
import { isMessageGone } from './delivery-errors';
import type { OutboxItem } from './outbox';

/**
 * One attempt at posting a new message where it belongs. Inside a turn it goes where the turn's
 * answers go (the person's own thread). Otherwise, with a thread: into the known thread
 * (`rootId`), else into the run's thread in that chat; a run with no thread there yet gets this
 * message as its root, recorded after the post (a crash in between at worst starts a second
 * thread, never loses the message). A thread the platform no longer knows (its root deleted:
 * the channel's `gone`) gets a new root instead of losing the message. The channel decides where threads exist
 * (a Teams channel); elsewhere the thread is ignored and this is a plain post.
 * @example const id = await sendInThread({ channel, store, logger }, { conversationId, payload, thread: { runId: 42 } });
 */
export async function sendInThread(
  deps: { channel: ChatChannel; store: Store; logger: Logger },
  item: Pick<OutboxItem, 'conversationId' | 'payload' | 'thread'>,
  turn?: unknown,
): Promise<string> {
  const { channel, store, logger } = deps;
  const { conversationId, payload, thread } = item;
  if (turn || !thread) return channel.send(conversationId, payload, turn);
  const { runId } = thread;
  const root =
    thread.rootId ??
    (runId !== undefined ? await getRunThread(store, runId, conversationId) : undefined);
  if (root !== undefined) {
    try {
      return await channel.send(conversationId, payload, undefined, { threadRootId: root });
    } catch (err) {
      if (!isMessageGone(err)) throw err;
      logger.warn(
        { conversationId, runId, threadRootId: root, err },
        'the thread is gone from the chat; posting a new one',
      );
    }
  }
  const id = await channel.send(conversationId, payload);
  if (runId !== undefined && id) {
    // Posted: a failure to record it must not make the caller post it again.
    await rememberRunThread(store, runId, conversationId, id, {
      ...(root !== undefined && { replacing: root }),
    }).catch((err: unknown) =>
      logger.warn(
        { conversationId, runId, err },
        'run thread not recorded; a later post may start another',
      ),
    );
  }
  return id;
}
