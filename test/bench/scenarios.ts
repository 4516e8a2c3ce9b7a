import type { BenchTenant } from './bench-tenant';
import type { Scenario, Step, StepContext } from './load';

/** What the scenarios need beyond the bench tenant's ids; collected by the runner. */
export interface ScenarioIds extends BenchTenant {
  /** Every application of the tenant (500). */
  applicationIds: string[];
  /** Users outside the first 100 (who hold the sparse app) and not the middle user, for single assign/unassign. */
  singleUsers: string[];
  /** Further such users, one per bulk request. */
  bulkUsers: string[];
  denseTotal: number;
  sparseTotal: number;
}

export const PER_PAGE = 20;

/** The page holding the middle of the list: offset floor(total / 2) rounded down to a page (500,000 at 1M users). */
export function deepPage(total: number): { page: number; offset: number } {
  const page = Math.floor(Math.floor(total / 2) / PER_PAGE) + 1;
  return { page, offset: (page - 1) * PER_PAGE };
}

function get(label: string, path: string): Step {
  return { label, expect: 200, request: () => ({ method: 'GET', path }) };
}

/** The reads, run against the service and the bare baseline alike (same paths, same ids). */
export function readScenarios(ids: ScenarioIds): Scenario[] {
  const base = `/api/v1/tenants/${ids.tenantId}`;
  const effective = (app: string, page: number) =>
    `${base}/applications/${app}/effective-users?page=${page}&per_page=${PER_PAGE}`;
  const read = (name: string, path: string): Scenario => ({ name, kind: 'read', steps: [get('get', path)] });
  return [
    read("user's applications", `${base}/users/${ids.userId}/applications`),
    read("group's applications", `${base}/groups/${ids.groupId}/applications`),
    read('assignees (ordinary app)', `${base}/applications/${ids.ordinaryAppId}/assignees`),
    read('effective users, dense, page 1', effective(ids.denseAppId, 1)),
    read(
      `effective users, dense, page ${deepPage(ids.denseTotal).page}`,
      effective(ids.denseAppId, deepPage(ids.denseTotal).page),
    ),
    read('effective users, sparse, page 1', effective(ids.sparseAppId, 1)),
    read(
      `effective users, sparse, page ${deepPage(ids.sparseTotal).page}`,
      effective(ids.sparseAppId, deepPage(ids.sparseTotal).page),
    ),
  ];
}

/** The writes, against the service only. Every request is valid by construction (no 404/409). */
export function writeScenarios(ids: ScenarioIds): Scenario[] {
  const base = `/api/v1/tenants/${ids.tenantId}`;

  const users = new Leases(ids.singleUsers, 'single assign: no free user left');
  const single: Scenario = {
    name: 'single assign + unassign (sparse app)',
    kind: 'write',
    steps: [
      {
        label: 'assign',
        expect: 201,
        request: (context: StepContext) => {
          const user = users.take();
          context.user = user;
          return {
            method: 'POST',
            path: `${base}/users/${user}/applications`,
            body: { application_id: ids.sparseAppId },
          };
        },
      },
      {
        label: 'unassign',
        expect: 204,
        request: (context) => ({
          method: 'DELETE',
          path: `${base}/users/${context.user as string}/applications/${ids.sparseAppId}`,
        }),
        onResponse: (status, _body, context) => users.giveBack(status === 204, context.user),
      },
    ],
  };

  // Every request goes to a user not used before, so each inserts ~498 rows (users have 2 direct apps).
  // The notes count the warm-up too.
  let nextBulkUser = 0;
  let rowsInserted = 0;
  let responses = 0;
  const bulk: Scenario = {
    name: `bulk assign of ${ids.applicationIds.length} apps (fresh user each)`,
    kind: 'write',
    steps: [
      {
        label: 'bulk assign',
        expect: 201,
        request: () => {
          // Past the last fresh user the list starts over: those requests insert nothing (see the notes).
          const user = ids.bulkUsers[nextBulkUser++ % ids.bulkUsers.length];
          return {
            method: 'POST',
            path: `${base}/users/${user}/applications/bulk`,
            body: { application_ids: ids.applicationIds },
          };
        },
        onResponse: (status, body) => {
          if (status !== 201) return;
          responses += 1;
          rowsInserted += (JSON.parse(body) as { data: { assigned_count: number } }).data.assigned_count;
        },
      },
    ],
    notes: () => ({
      freshUsersUsedIncludingWarmup: nextBulkUser,
      freshUsersAvailable: ids.bulkUsers.length,
      meanRowsInsertedPerRequest: responses ? Math.round(rowsInserted / responses) : 0,
    }),
  };

  // Ordinary applications (none is assigned to All Employees); one at a time with 1 connection,
  // so in practice the same one, except after a run stopped between assign and unassign.
  const apps = new Leases(
    ids.applicationIds.filter((id) => id !== ids.denseAppId && id !== ids.sparseAppId).slice(0, 20),
    'All Employees: no free application left',
  );
  const allEmployees: Scenario = {
    name: 'assign app to All Employees group',
    kind: 'write',
    connections: 1,
    measure: ['assign'],
    steps: [
      {
        label: 'assign',
        expect: 201,
        request: (context: StepContext) => {
          context.app = apps.take();
          return {
            method: 'POST',
            path: `${base}/groups/${ids.allEmployeesGroupId}/applications`,
            body: { application_id: context.app },
          };
        },
      },
      {
        label: 'unassign',
        expect: 204,
        request: (context) => ({
          method: 'DELETE',
          path: `${base}/groups/${ids.allEmployeesGroupId}/applications/${context.app as string}`,
        }),
        onResponse: (status, _body, context) => apps.giveBack(status === 204, context.app),
      },
    ],
  };

  return [single, bulk, allEmployees];
}

/**
 * Ids handed out for one assign + unassign and handed back once the unassign succeeded, so
 * no two connections ever hold the same one and every request is valid. A run stopped
 * between the two steps never gets its id back (it may stay assigned): the next pass takes
 * another. First in, first out.
 */
class Leases {
  private readonly free: string[];

  constructor(
    ids: string[],
    private readonly exhausted: string,
  ) {
    this.free = [...ids];
  }

  take(): string {
    const id = this.free.shift();
    if (!id) throw new Error(this.exhausted);
    return id;
  }

  giveBack(unassigned: boolean, id: unknown): void {
    if (unassigned) this.free.push(id as string);
  }
}
