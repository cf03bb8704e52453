import { MemoryStore } from '../../src/store/memory-store';
import { runStoreContract } from './store-contract';

runStoreContract('MemoryStore', async (clock) => new MemoryStore({ clock }));
