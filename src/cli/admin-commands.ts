import type { Command } from 'commander';
import { accountsCommand } from './accounts-command.js';
import { keysCommand } from './keys-command.js';
import { usageCommand } from './usage-command.js';

/** The commands that manage the platform on the server's database: `keys`, `accounts`, `usage`. */
export function adminCommands(): Command[] {
  return [keysCommand(), accountsCommand(), usageCommand()];
}
