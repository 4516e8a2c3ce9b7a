import { Client } from 'pg';
import { createApplication, createTenant } from '../support/fixtures';
import { type IsolatedApp, startIsolatedApp } from '../support/isolated-app';

/**
 * A background rebuild and a change of the same application take the application's
 * advisory lock and its state row in the same order, so they wait for each other instead of
 * deadlocking. The change in flight here holds the application's lock (as every change does)
 * while a worker claims the rebuild; then the change marks the application for a rebuild
 * (as a large group assignment does), which updates the state row. A worker that had locked
 * the state row first deadlocked with it.
 */
describe('Rebuild claim and changes: one lock order', () => {
  let t: IsolatedApp;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startIsolatedApp('rebuild_lock_order', { BACKGROUND_WORKERS: 'false' });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await t.close();
  });

  async function connect(): Promise<Client> {
    const client = new Client({ connectionString: t.databaseUrl });
    clients.push(client);
    await client.connect();
    return client;
  }

  it('lets a change that holds the application mark a rebuild while a worker waits, without a deadlock', async () => {
    const tenant = await createTenant(t, 'Lock order');
    const application = await createApplication(t, tenant, 'Rebuilt');
    await t.dataSource.query(`SELECT effective_access_request_rebuild(ARRAY[$1::uuid], ARRAY[$2::uuid])`, [
      tenant.id,
      application,
    ]);
    const change = await connect();
    const worker = await connect();
    // Detect a deadlock at once instead of after a second.
    await change.query(`SET deadlock_timeout = '50ms'`);
    await worker.query(`SET deadlock_timeout = '50ms'`);

    await change.query('BEGIN');
    await change.query(`SELECT effective_access_lock(ARRAY[$1::uuid], ARRAY[$2::uuid])`, [tenant.id, application]);
    const batch = worker.query<{ tenant_id: string; application_id: string; done: boolean }>(
      `SELECT * FROM effective_access_rebuild_next()`,
    );
    // The worker is now waiting for the application's lock.
    await waitUntilWaiting(worker);
    await change.query(`SELECT effective_access_request_rebuild(ARRAY[$1::uuid], ARRAY[$2::uuid])`, [tenant.id, application]);
    await change.query('COMMIT');

    const { rows } = await batch;
    expect(rows).toEqual([{ tenant_id: tenant.id, application_id: application, done: true }]);
    const [state] = await t.dataSource.query<Array<{ rebuild_requested_at: Date | null }>>(
      `SELECT rebuild_requested_at FROM effective_access_state WHERE tenant_id = $1 AND application_id = $2`,
      [tenant.id, application],
    );
    expect(state.rebuild_requested_at).toBeNull();
  });

  async function waitUntilWaiting(client: Client): Promise<void> {
    const pid = (client as unknown as { processID: number }).processID;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const [row] = await t.dataSource.query<Array<{ wait_event_type: string | null }>>(
        `SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`,
        [pid],
      );
      if (row?.wait_event_type === 'Lock') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the worker never waited for the application lock');
  }
});
