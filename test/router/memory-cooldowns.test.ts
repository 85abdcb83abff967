import { MemoryCooldowns } from '../../src/router/memory-cooldowns.js';
import { cooldownContract } from './cooldown-contract.js';

cooldownContract('MemoryCooldowns', async (clock) => {
  const store = new MemoryCooldowns({ clock });
  return { a: store, b: store, close: () => store.close() };
});
