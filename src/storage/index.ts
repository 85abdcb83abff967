/** The storage layer: what the rest of Lingua uses of it. */
export { openStorage, SQLITE_FILE, type Storage, type StorageOptions } from './open-storage.js';
export { defaultDataDir } from './data-dir.js';
export type { DialectName } from './dialect.js';
export type { Account, AccountPatch, NewAccount, AccountsRepo } from './accounts.js';
export type { ApiKey, ApiKeyPatch, NewApiKey, ApiKeysRepo } from './api-keys.js';
export { normalEmail, type Member, type MembersRepo } from './account-members.js';
export type { Invite, InvitesRepo, NewInvite, Redeemed } from './console-invites.js';
export type { ConsoleSession, ConsoleSessionsRepo, NewConsoleSession } from './console-sessions.js';
export type { Limits, Metadata } from './limits-columns.js';
export type { AccountStatus, BudgetPeriod, Database } from './schema.js';
export type { UsageRecord, StoredUsageRecord } from './usage-record.js';
export type { RequestsPage, RequestsQuery, SpentBy, SummaryGroup, SummaryQuery, SummaryRow, UsageQueries } from './usage-queries.js';
export { LedgerWriter, type LedgerOptions, type LedgerStats, type UsageSink } from './ledger-writer.js';
export { InvalidCursorError, UnknownAccountError } from './errors.js';
