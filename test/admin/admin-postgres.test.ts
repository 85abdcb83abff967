import { freshPostgresSchema, postgresSkip } from '../support/services.js';
import { adminSuite } from './admin-suite.js';

const skip = await postgresSkip();

adminSuite('PostgreSQL', async () => {
  const schema = await freshPostgresSchema();
  return { database_url: schema.url, close: () => schema.drop() };
}, { skip });
