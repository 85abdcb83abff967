import { MemoryBudgetStore } from '../../src/limits/index.js';
import { budgetStoreContract } from './budget-store-contract.js';

budgetStoreContract('MemoryBudgetStore', async (clock, seed) => {
  const store = new MemoryBudgetStore({ clock, seed });
  return { a: store, b: store, close: () => store.close() };
});
