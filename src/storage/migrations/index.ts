import type { Migration, MigrationProvider } from 'kysely';
import type { DialectName } from '../dialect.js';
import { initial } from './0001-initial.js';
import { consoleLogins } from './0002-console-logins.js';
import { responses } from './0003-responses.js';
import { serverSecrets } from './0004-server-secrets.js';
import { responsesExpiry } from './0005-responses-expiry.js';

/**
 * The migrations, in order. Names sort in the order they run; a new one is
 * a new file `NNNN-what.ts` and a line here. Never edit one that has shipped.
 */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-initial': initial(dialect),
    '0002-console-logins': consoleLogins,
    '0003-responses': responses,
    '0004-server-secrets': serverSecrets,
    '0005-responses-expiry': responsesExpiry,
  };
  return { getMigrations: async () => migrations };
}
