import { Command } from 'commander';
import type { AccountView } from '../admin/views.js';
import { accountId, limitsBody, runAdmin, withCommonOptions, withLimitOptions, type CommonOptions, type LimitOptions } from './admin-command.js';
import { budgetText, details, limitsText, table, when } from './format.js';

interface AccountOptions extends CommonOptions, LimitOptions {
  name?: string;
  email?: string;
  status?: string;
}

function accountBody(o: AccountOptions): Record<string, unknown> {
  return {
    ...(o.name === undefined ? {} : { name: o.name }),
    ...(o.email === undefined ? {} : { email: o.email === 'none' ? null : o.email }),
    ...(o.status === undefined ? {} : { status: o.status }),
    ...limitsBody(o),
  };
}

function withAccountOptions(command: Command): Command {
  return withCommonOptions(withLimitOptions(command
    .option('--email <email>', 'a contact address (none: clear it)')
    .option('--status <status>', 'active, or disabled (its keys are refused)')));
}

function accountsTable(accounts: readonly AccountView[]): string {
  if (accounts.length === 0) return 'No accounts. Create one with: lingua accounts create --name NAME';
  return table(
    ['ID', 'NAME', 'EMAIL', 'STATUS', 'LIMITS', 'BUDGET', 'LAST USED'],
    accounts.map((a) => [a.id, a.name, a.email, a.status, limitsText(a), budgetText(a), when(a.last_used_at)]),
  );
}

/** `lingua accounts …`: the people and teams that own keys. */
export function accountsCommand(): Command {
  const accounts = new Command('accounts').description("create, list, show, update and delete accounts (on the server's database)");

  withAccountOptions(accounts.command('create').description('create an account'))
    .requiredOption('--name <name>', 'a name for people')
    .action((o: AccountOptions) => runAdmin(o, async (admin) => {
      const a = await admin.createAccount(accountBody(o));
      return { json: a, text: `Created account '${a.name}' (id ${a.id}).` };
    }));

  withCommonOptions(accounts.command('list').description('list the accounts'))
    .action((o: CommonOptions) => runAdmin(o, async (admin) => {
      const list = await admin.listAccounts();
      return { json: list, text: accountsTable(list.data) };
    }));

  withCommonOptions(accounts.command('show').description('show one account').argument('<account>', 'its id or name'))
    .action((given: string, o: CommonOptions) => runAdmin(o, async (admin) => {
      const a = await admin.getAccount(await accountId(admin, given));
      return { json: a, text: details({ ...a }) };
    }));

  withAccountOptions(accounts.command('update').description('change an account (only the options given)').argument('<account>', 'its id or name'))
    .option('--name <name>', 'a new name')
    .action((given: string, o: AccountOptions) => runAdmin(o, async (admin) => {
      const a = await admin.updateAccount(await accountId(admin, given), accountBody(o));
      return { json: a, text: details({ ...a }) };
    }));

  withCommonOptions(accounts.command('delete').description('delete an account and revoke its keys').argument('<account>', 'its id or name'))
    .action((given: string, o: CommonOptions) => runAdmin(o, async (admin) => {
      const deleted = await admin.deleteAccount(await accountId(admin, given));
      return { json: deleted, text: `Deleted account ${deleted.id}; its keys are revoked.` };
    }));

  return accounts;
}
