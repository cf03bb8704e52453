import { CONVERSATION_CASES } from './conversation-cases';
import { describePhrasings } from './phrasing-table';

describePhrasings('conversational', [...CONVERSATION_CASES]);
