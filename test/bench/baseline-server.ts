import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'pg';
import {
  EFFECTIVE_ACCESS_STATE_SQL,
  EFFECTIVE_USERS_PAGE_FROM_INDEX_END_SQL,
  EFFECTIVE_USERS_PAGE_FROM_INDEX_SQL,
} from '../../src/access/effective-access.sql';
import { locateIndexPage } from '../../src/access/index-page';
import { ACCESS_CHECK_BATCH_SQL, ACCESS_CHECK_SQL } from '../../src/access-checks/access-checks.sql';
import {
  ASSIGNEES_SQL,
  EFFECTIVE_USERS_BESIDE_LARGEST_GROUP_SQL,
  EFFECTIVE_USERS_COUNT_BY_UNION_SQL,
  EFFECTIVE_USERS_PAGE_BY_COLLECTING_SQL,
  EFFECTIVE_USERS_PAGE_BY_WALKING_SQL,
  EFFECTIVE_USERS_PAGE_OF_ALL_USERS_SQL,
  EFFECTIVE_USERS_SOURCES_SQL,
  GROUP_APPLICATIONS_SQL,
  USER_APPLICATIONS_SQL,
} from '../../src/assignments/assignments.sql';
import { type CountStrategy, type PageStrategy, planEffectiveUsers } from '../../src/assignments/effective-users.plan';

/**
 * The bare baseline of `npm run bench`: the service's read SQL through a plain `pg` pool
 * behind `node:http` (no Nest, no TypeORM, no token check, no validation, no existence
 * checks on the other reads), on the service's paths, answering JSON. The access checks
 * (single, and the batch's POST) run src/access-checks/access-checks.sql.ts. Effective users follow the
 * service's steps: the index's state, then the page from the closer end of the index (or,
 * while the application is rebuilt, the live plan: sources, then count and page in parallel).
 * Environment: DATABASE_URL, PORT, POOL_SIZE.
 */

// The service's connection settings (src/database/database.options.ts): JIT off.
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE ?? 16),
  options: '-c jit=off',
});

const PAGE_STATEMENTS: Record<Exclude<PageStrategy, 'empty'>, string> = {
  'all-users': EFFECTIVE_USERS_PAGE_OF_ALL_USERS_SQL,
  walking: EFFECTIVE_USERS_PAGE_BY_WALKING_SQL,
  collecting: EFFECTIVE_USERS_PAGE_BY_COLLECTING_SQL,
};

async function total(sql: string, parameters: unknown[]): Promise<number> {
  return Number((await pool.query<{ total: string }>(sql, parameters)).rows[0].total);
}

function count(tenantId: string, applicationId: string, strategy: CountStrategy, tenantUsers: number): Promise<number> | number {
  switch (strategy.kind) {
    case 'none':
      return 0;
    case 'everyone':
      return tenantUsers;
    case 'union':
      return total(EFFECTIVE_USERS_COUNT_BY_UNION_SQL, [tenantId, applicationId]);
    case 'beside-largest-group':
      return total(EFFECTIVE_USERS_BESIDE_LARGEST_GROUP_SQL, [tenantId, applicationId, strategy.groupId]).then(
        (n) => n + strategy.members,
      );
  }
}

/** As the service: the index's count and the page from its closer end; the live plan while the application is rebuilt. */
async function effectiveUsers(tenantId: string, applicationId: string, page: number, perPage: number): Promise<unknown> {
  const state = (
    await pool.query<{ user_count: string; rebuilding: boolean }>(EFFECTIVE_ACCESS_STATE_SQL, [tenantId, applicationId])
  ).rows[0];
  if (state.rebuilding) return effectiveUsersLive(tenantId, applicationId, page, perPage);
  const totalItems = Number(state.user_count);
  const located = locateIndexPage(totalItems, (page - 1) * perPage, perPage);
  const rows =
    located.from === 'nowhere'
      ? []
      : (
          await pool.query<Record<string, unknown>>(
            located.from === 'start' ? EFFECTIVE_USERS_PAGE_FROM_INDEX_SQL : EFFECTIVE_USERS_PAGE_FROM_INDEX_END_SQL,
            [tenantId, applicationId, located.limit, located.offset],
          )
        ).rows;
  return {
    data: rows,
    pagination: { page, per_page: perPage, total_items: totalItems, total_pages: Math.ceil(totalItems / perPage) },
  };
}

async function effectiveUsersLive(tenantId: string, applicationId: string, page: number, perPage: number): Promise<unknown> {
  const sources = (
    await pool.query<{ tenant_users: number | null; direct_users: string; groups: Array<{ group_id: string; members: number }> }>(
      EFFECTIVE_USERS_SOURCES_SQL,
      [tenantId, applicationId],
    )
  ).rows[0];
  const tenantUsers = Number(sources.tenant_users ?? 0);
  const groups = sources.groups.map((group) => ({ groupId: group.group_id, members: Number(group.members) }));
  const offset = (page - 1) * perPage;
  const plan = planEffectiveUsers({ tenantUsers, directUsers: Number(sources.direct_users), groups }, offset, perPage);
  const [totalItems, rows] = await Promise.all([
    count(tenantId, applicationId, plan.count, tenantUsers),
    plan.page === 'empty'
      ? []
      : pool
          .query<Record<string, unknown>>(PAGE_STATEMENTS[plan.page], [tenantId, applicationId, perPage, offset])
          .then((r) => r.rows),
  ]);
  return {
    data: rows,
    pagination: { page, per_page: perPage, total_items: totalItems, total_pages: Math.ceil(totalItems / perPage) },
  };
}
/** An answer other than 200 (a handler returns anything else as a 200 body). */
class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

interface CheckRequest {
  user_id: string;
  application_id?: string;
  client_id?: string;
}

interface CheckRow {
  user_exists: boolean;
  application_id: string | null;
  client_id: string | null;
  direct: boolean;
  groups: Array<{ id: string; name: string }>;
}

/** As the service's access check: the answer, or the 404 detail (an item error in a batch). */
function checkAnswer(request: CheckRequest, row: CheckRow): object | { detail: string } {
  if (!row.user_exists) return { detail: 'User not found' };
  if (row.application_id === null) return { detail: 'Application not found' };
  const { application_id, client_id, direct, groups } = row;
  return { user_id: request.user_id, application_id, client_id, granted: direct || groups.length > 0, direct, groups };
}

async function accessCheck(tenantId: string, query: URLSearchParams): Promise<unknown> {
  const request: CheckRequest = {
    user_id: query.get('user_id') ?? '',
    application_id: query.get('application_id') ?? undefined,
    client_id: query.get('client_id') ?? undefined,
  };
  const { rows } = await pool.query<CheckRow>(ACCESS_CHECK_SQL, [
    tenantId,
    request.user_id,
    request.application_id ?? null,
    request.client_id ?? null,
  ]);
  const answer = checkAnswer(request, rows[0]);
  return 'detail' in answer ? new Reply(404, answer) : { data: answer };
}

async function accessChecks(tenantId: string, body: { checks: CheckRequest[] }): Promise<unknown> {
  const { checks } = body;
  const { rows } = await pool.query<CheckRow>(ACCESS_CHECK_BATCH_SQL, [
    tenantId,
    checks.map((check) => check.user_id),
    checks.map((check) => check.application_id ?? null),
    checks.map((check) => check.client_id ?? null),
  ]);
  return {
    data: checks.map((check, index) => {
      const answer = checkAnswer(check, rows[index]);
      if (!('detail' in answer)) return answer;
      const named =
        check.application_id !== undefined ? { application_id: check.application_id } : { client_id: check.client_id };
      return { user_id: check.user_id, ...named, error: { status: 404, detail: answer.detail } };
    }),
  };
}

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    request.on('error', reject);
  });
}

const UUID = '([0-9a-fA-F-]{36})';
const TENANT = `^/api/v1/tenants/${UUID}`;

type Handler = (match: string[], query: URLSearchParams) => Promise<unknown>;

const routes: Array<[RegExp, Handler]> = [
  [/^\/health$/, () => Promise.resolve({ status: 'ok' })],
  [new RegExp(`${TENANT}/access-check$`), ([, tenantId], query) => accessCheck(tenantId, query)],
  [
    new RegExp(`${TENANT}/users/${UUID}/applications$`),
    async ([, tenantId, userId]) => {
      const { rows } = await pool.query(USER_APPLICATIONS_SQL, [tenantId, userId, true]);
      return { data: { user_id: userId, applications: rows, total_count: rows.length } };
    },
  ],
  [
    new RegExp(`${TENANT}/groups/${UUID}/applications$`),
    async ([, tenantId, groupId]) => ({ data: (await pool.query(GROUP_APPLICATIONS_SQL, [tenantId, groupId])).rows }),
  ],
  [
    new RegExp(`${TENANT}/applications/${UUID}/assignees$`),
    async ([, tenantId, applicationId]) => {
      const { users, groups } = (
        await pool.query<{ users: string[]; groups: string[] }>(ASSIGNEES_SQL, [tenantId, applicationId])
      ).rows[0];
      return { data: { application_id: applicationId, users, groups, total_users: users.length, total_groups: groups.length } };
    },
  ],
  [
    new RegExp(`${TENANT}/applications/${UUID}/effective-users$`),
    ([, tenantId, applicationId], query) =>
      effectiveUsers(tenantId, applicationId, Number(query.get('page') ?? 1), Number(query.get('per_page') ?? 20)),
  ],
];

/** POST routes (the batch access check, a read): the parsed JSON body is the handler's. */
type BodyHandler = (match: string[], body: unknown) => Promise<unknown>;

const postRoutes: Array<[RegExp, BodyHandler]> = [
  [new RegExp(`${TENANT}/access-checks$`), ([, tenantId], body) => accessChecks(tenantId, body as { checks: CheckRequest[] })],
];

function send(response: ServerResponse, result: unknown): void {
  const { status, body: payload } = result instanceof Reply ? result : new Reply(200, result);
  const body = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://baseline');
  if (request.method === 'POST') {
    for (const [pattern, handler] of postRoutes) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      send(response, await handler(match, await readBody(request)));
      return;
    }
  }
  for (const [pattern, handler] of routes) {
    const match = request.method === 'GET' ? pattern.exec(url.pathname) : null;
    if (!match) continue;
    send(response, await handler(match, url.searchParams));
    return;
  }
  response.writeHead(404).end();
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    process.stderr.write(`baseline: ${String(error)}\n`);
    if (!response.headersSent) response.writeHead(500);
    response.end();
  });
});

server.listen(Number(process.env.PORT ?? 3001), '127.0.0.1');

function shutdown(): void {
  server.close();
  server.closeAllConnections();
  pool.end().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`baseline: closing the pool failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
