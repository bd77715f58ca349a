// The storage port's contract on the SQLite store: a real database file, the real migrations.
import { storeContracts } from './contracts/index.js';
import { sqliteSubject } from './sqlite/subject.js';

storeContracts('SQLite', sqliteSubject());
