import { adminSuite } from './admin-suite.js';

// SQLite in the server's own data directory (startLingua gives each server one).
adminSuite('SQLite', async () => ({}));
