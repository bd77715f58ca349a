// The storage port's contract on the PostgreSQL store: a real server, a fresh database per test, the real migrations.
import { describePostgres } from '../support/postgres.js';
import { storeContracts } from './contracts/index.js';
import { postgresSubject } from './postgres/subject.js';

describePostgres('storage port on PostgreSQL', (url) => storeContracts('PostgreSQL', postgresSubject(url)));
