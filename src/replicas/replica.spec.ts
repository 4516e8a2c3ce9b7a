import { lagBehind, type PrimarySample } from './replica';

describe('a replica’s lag', () => {
  const samples: PrimarySample[] = [
    { at: 1_000, position: 100n },
    { at: 1_200, position: 100n },
    { at: 1_400, position: 250n },
    { at: 1_600, position: 400n },
  ];

  it('is none once the replica has replayed the latest position the primary was seen at', () => {
    expect(lagBehind(samples, 400n, 1_700)).toEqual({ lagSeconds: 0, lagBytes: 0 });
    expect(lagBehind(samples, 450n, 1_700)).toEqual({ lagSeconds: 0, lagBytes: 0 });
  });

  it('counts from when the primary was first seen past what the replica replayed', () => {
    // Replayed 260: the primary was past it from the sample at 1,600 on.
    expect(lagBehind(samples, 260n, 2_100)).toEqual({ lagSeconds: 0.5, lagBytes: 140 });
    // Replayed 100: past it since 1,400.
    expect(lagBehind(samples, 100n, 2_100)).toEqual({ lagSeconds: 0.7, lagBytes: 300 });
  });

  it('does not grow while the primary is idle, however old its last commit', () => {
    const idle: PrimarySample[] = [
      { at: 1_000, position: 500n },
      { at: 60_000, position: 500n },
    ];
    expect(lagBehind(idle, 500n, 120_000)).toEqual({ lagSeconds: 0, lagBytes: 0 });
  });

  it('is at least as old as the oldest sample kept when the replica is behind all of them', () => {
    expect(lagBehind(samples, 50n, 11_000).lagSeconds).toBe(10);
  });
});
