/**
 * How to answer "who can use this application" for one page: which statement counts the
 * users and which one finds the page, chosen from what the application is made of. The
 * cost model counts rows touched; the constants were fitted on the benchmark tenants
 * (README, "Performance").
 */

export interface EffectiveUserSources {
  tenantUsers: number;
  directUsers: number;
  /** Assigned groups, largest first. */
  groups: Array<{ groupId: string; members: number }>;
}

export type CountStrategy =
  | { kind: 'none' }
  | { kind: 'everyone' }
  | { kind: 'union' }
  | { kind: 'beside-largest-group'; groupId: string; members: number };

export type PageStrategy = 'empty' | 'all-users' | 'walking' | 'collecting';

export interface EffectiveUsersPlan {
  count: CountStrategy;
  page: PageStrategy;
}

/** A walked user costs about this many collected ones (two index probes against one hash insert and a sort). */
const WALK_ROW_COST = 3;
/** Counting beside the largest group pays off when the other sources are this much smaller. */
const LARGEST_GROUP_DOMINANCE = 4;

export function planEffectiveUsers(sources: EffectiveUserSources, offset: number, limit: number): EffectiveUsersPlan {
  const largest = sources.groups[0];
  const others = sources.directUsers + sources.groups.slice(1).reduce((sum, group) => sum + group.members, 0);
  const upperBound = (largest?.members ?? 0) + others;
  if (upperBound === 0) return { count: { kind: 'none' }, page: 'empty' };
  if (largest && sources.tenantUsers > 0 && largest.members >= sources.tenantUsers) {
    return { count: { kind: 'everyone' }, page: offset >= sources.tenantUsers ? 'empty' : 'all-users' };
  }

  const count: CountStrategy =
    largest && largest.members >= LARGEST_GROUP_DOMINANCE * others
      ? { kind: 'beside-largest-group', groupId: largest.groupId, members: largest.members }
      : { kind: 'union' };

  if (offset >= upperBound) return { count, page: 'empty' };
  // At least this many users can use it (the largest single source), so walking the
  // tenant's users visits at most (offset + limit) * tenantUsers / reached of them.
  const reached = Math.max(largest?.members ?? 0, sources.directUsers, 1);
  const walkedRows = ((offset + limit) * Math.max(sources.tenantUsers, reached)) / reached;
  return { count, page: walkedRows * WALK_ROW_COST < upperBound ? 'walking' : 'collecting' };
}
