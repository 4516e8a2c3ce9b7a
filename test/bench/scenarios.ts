import type { BenchShape, BenchTenant, CheckPair } from './bench-tenant';
import type { Scenario, Step, StepContext, StepRequest } from './load';

/** What the scenarios need beyond the bench tenant's ids; collected by the runner. */
export interface ScenarioIds extends BenchTenant {
  /** The 500 applications of the tenant the shapes did not add. */
  applicationIds: string[];
  /** Users outside the first 100 (who hold the sparse app) and not the middle user, for single assign/unassign. */
  singleUsers: string[];
  /** Further such users, one per bulk request. */
  bulkUsers: string[];
  /** Users outside Twenty Apps Team, other than the middle user, for adding and removing a member. */
  memberUsers: string[];
  /** Every shape with its total as the service reports it (it decides the middle and last pages). */
  shapeTotals: Array<BenchShape & { totalItems: number }>;
  /** CHECK_BATCH pairs for the access checks: direct, through a group and not granted, interleaved. */
  checkPairs: CheckPair[];
}

/** Checks in one batch request (the most a batch takes). */
export const CHECK_BATCH = 100;

export const PER_PAGE = 20;

/** The page holding the middle of the list: offset floor(total / 2) rounded down to a page (500,000 at 1M users). */
export function deepPage(total: number): { page: number; offset: number } {
  const page = Math.floor(Math.floor(total / 2) / PER_PAGE) + 1;
  return { page, offset: (page - 1) * PER_PAGE };
}

/** The page holding the last item (page 1 of an empty list). */
export function lastPage(total: number): { page: number; offset: number } {
  const page = Math.max(1, Math.ceil(total / PER_PAGE));
  return { page, offset: (page - 1) * PER_PAGE };
}

export type PagePosition = 'page 1' | 'middle' | 'last';

/** A read of one page of a shape's effective users. */
export interface ShapeRead {
  shape: BenchShape['key'];
  label: string;
  position: PagePosition;
  page: number;
  totalItems: number;
}

export interface ReadScenario extends Scenario {
  shapeRead?: ShapeRead;
  /**
   * The requests whose answers the service and the baseline must agree on before any load
   * (default: the first step's request), compared whole (`data`) or by their ids (`ids`).
   */
  agreement?: { requests: StepRequest[]; compare: 'data' | 'ids' };
}

function get(label: string, path: string): Step {
  return { label, expect: 200, request: () => ({ method: 'GET', path }) };
}

/**
 * The reads, run against the service and the bare baseline alike (same paths, same ids):
 * the three lists at the run's connections, then for every shape page 1 at the run's
 * connections and, with one client for `oneClientSeconds` each, page 1, the middle page
 * and the last page (page 1 only when nobody can use the application).
 */
export function readScenarios(ids: ScenarioIds, oneClientSeconds: number): ReadScenario[] {
  const base = `/api/v1/tenants/${ids.tenantId}`;
  const effective = (app: string, page: number) =>
    `${base}/applications/${app}/effective-users?page=${page}&per_page=${PER_PAGE}`;
  const read = (name: string, path: string): ReadScenario => ({ name, kind: 'read', steps: [get('get', path)] });
  const reads: ReadScenario[] = [
    read("user's applications", `${base}/users/${ids.userId}/applications`),
    read("group's applications", `${base}/groups/${ids.groupId}/applications`),
    read('assignees (ordinary app)', `${base}/applications/${ids.ordinaryAppId}/assignees`),
  ];
  reads.push(...accessCheckScenarios(ids));
  for (const shape of ids.shapeTotals) {
    const page = (position: PagePosition, number: number, oneClient: boolean): ReadScenario => {
      const where = position === 'page 1' ? 'page 1' : `${position} (p. ${number})`;
      return {
        ...read(
          `effective users, ${shape.label}, ${where}${oneClient ? ', 1 client' : ''}`,
          effective(shape.applicationId, number),
        ),
        ...(oneClient ? { sequential: true, connections: 1, durationSeconds: oneClientSeconds } : {}),
        shapeRead: { shape: shape.key, label: shape.label, position, page: number, totalItems: shape.totalItems },
      };
    };
    reads.push(page('page 1', 1, false), page('page 1', 1, true));
    if (shape.totalItems > 0) {
      reads.push(page('middle', deepPage(shape.totalItems).page, true), page('last', lastPage(shape.totalItems).page, true));
    }
  }
  return reads;
}

/**
 * The read mix of the cluster benchmark (cluster-bench.ts): one scenario whose steps are the
 * reads that run at the run's connections (the three lists, the two access checks, page 1 of
 * every shape), each step named after its read. Every connection sends them in turn, so each
 * read gets the same share of the requests; the one-client reads (middle and last pages)
 * measure latency, not throughput, and stay out.
 */
export function readMix(reads: ReadScenario[]): Scenario {
  return {
    name: 'read mix',
    kind: 'read',
    steps: reads
      .filter((read) => !read.sequential)
      .flatMap((read) =>
        read.steps.map((step) => ({ ...step, label: read.steps.length > 1 ? `${read.name}: ${step.label}` : read.name })),
      ),
  };
}

/**
 * The gateway's question, at the run's connections: one check per request (the application
 * by client_id, as a gateway knows it), rotating over the pairs; and batches of
 * CHECK_BATCH pairs, every other one by application_id. The pairs mix direct, group and
 * not granted (bench-tenant.ts, loadCheckPairs).
 */
function accessCheckScenarios(ids: ScenarioIds): ReadScenario[] {
  const base = `/api/v1/tenants/${ids.tenantId}`;
  const single = (pair: CheckPair): StepRequest => ({
    method: 'GET',
    path: `${base}/access-check?user_id=${pair.userId}&client_id=${encodeURIComponent(pair.clientId)}`,
  });
  let next = 0;
  const batch: StepRequest = {
    method: 'POST',
    path: `${base}/access-checks`,
    body: {
      checks: ids.checkPairs.map((pair, index) =>
        index % 2 === 0
          ? { user_id: pair.userId, client_id: pair.clientId }
          : { user_id: pair.userId, application_id: pair.applicationId },
      ),
    },
  };
  return [
    {
      name: 'access check (single)',
      kind: 'read',
      steps: [{ label: 'check', expect: 200, request: () => single(ids.checkPairs[next++ % ids.checkPairs.length]) }],
      agreement: { requests: ids.checkPairs.map(single), compare: 'data' },
    },
    {
      name: `access check (batch of ${CHECK_BATCH})`,
      kind: 'read',
      steps: [{ label: 'check', expect: 200, request: () => batch }],
      agreement: { requests: [batch], compare: 'data' },
    },
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

  // Users outside the group, leased like the single assign's; 16 connections add to the one
  // group at once, then one client alone (the latency of the write itself, without queueing).
  const team = `${base}/groups/${ids.twentyAppsTeamGroupId}/members`;
  // One set of leases for both runs: a user the first run left in the group (a cycle cut at
  // its end) is never handed to the second, whose add would then be a 409.
  const members = new Leases(ids.memberUsers, 'add + remove member: no free user left');
  const memberScenario = (oneClient: boolean): Scenario => {
    return {
      name: `${MEMBER_SCENARIO}${oneClient ? ', 1 client' : ''}`,
      kind: 'write',
      ...(oneClient ? { connections: 1 } : {}),
      steps: [
        {
          label: 'add',
          expect: 201,
          request: (context: StepContext) => {
            const user = members.take();
            context.user = user;
            return { method: 'POST', path: team, body: { user_id: user } };
          },
        },
        {
          label: 'remove',
          expect: 204,
          request: (context) => ({ method: 'DELETE', path: `${team}/${context.user as string}` }),
          onResponse: (status, _body, context) => members.giveBack(status === 204, context.user),
        },
      ],
    };
  };

  return [single, bulk, allEmployees, memberScenario(false), memberScenario(true)];
}

export const MEMBER_SCENARIO = 'add + remove one member of a group assigned 20 apps';

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
