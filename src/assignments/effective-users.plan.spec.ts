import { planEffectiveUsers } from './effective-users.plan';

const group = (groupId: string, members: number) => ({ groupId, members });

describe('planEffectiveUsers', () => {
  it('answers an empty page without any statement when nobody can use the application', () => {
    expect(planEffectiveUsers({ tenantUsers: 1_000, directUsers: 0, groups: [] }, 0, 20)).toEqual({
      count: { kind: 'none' },
      page: 'empty',
    });
  });

  it('pages the tenant users themselves when a group holds every user (the all-employees case)', () => {
    const sources = { tenantUsers: 1_000_000, directUsers: 3, groups: [group('all', 1_000_000), group('small', 150)] };
    expect(planEffectiveUsers(sources, 500_000, 20)).toEqual({ count: { kind: 'everyone' }, page: 'all-users' });
    expect(planEffectiveUsers(sources, 1_000_000, 20).page).toBe('empty');
  });

  it('counts beside the largest group when it dwarfs the other sources', () => {
    const sources = { tenantUsers: 1_000_000, directUsers: 4_000, groups: [group('big', 600_000), group('small', 150)] };
    expect(planEffectiveUsers(sources, 0, 20)).toEqual({
      count: { kind: 'beside-largest-group', groupId: 'big', members: 600_000 },
      page: 'walking',
    });
  });

  it('deduplicates everything when no group dominates', () => {
    const sources = { tenantUsers: 1_000_000, directUsers: 4_000, groups: [group('a', 150), group('b', 150)] };
    expect(planEffectiveUsers(sources, 0, 20).count).toEqual({ kind: 'union' });
  });

  it('collects and sorts a sparse application, walks a dense one near its start', () => {
    expect(planEffectiveUsers({ tenantUsers: 1_000_000, directUsers: 100, groups: [] }, 0, 20).page).toBe('collecting');
    expect(planEffectiveUsers({ tenantUsers: 1_000_000, directUsers: 4_000, groups: [group('a', 30_000)] }, 0, 20).page).toBe(
      'walking',
    );
    // Deep in a medium application, walking would visit far more users than there are to sort.
    expect(
      planEffectiveUsers({ tenantUsers: 1_000_000, directUsers: 4_000, groups: [group('a', 30_000)] }, 20_000, 20).page,
    ).toBe('collecting');
  });

  it('answers a page past the end without a page statement', () => {
    expect(planEffectiveUsers({ tenantUsers: 100, directUsers: 5, groups: [] }, 20, 20).page).toBe('empty');
  });
});
