import { DataSource } from 'typeorm';
import { databaseOptions } from './src/database/database.options';

// For the TypeORM CLI (npm run migration:generate|run|revert). It needs a running
// database: DATABASE_URL, or the embedded one that `npm start` leaves under .data/.
export default new DataSource(
  databaseOptions({
    role: 'migrations',
    url: process.env.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_DATABASE_PORT ?? 54329}/iam`,
  }),
);
