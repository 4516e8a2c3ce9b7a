import { setTimeout as sleep } from 'node:timers/promises';
import { Lane, type LaneOptions, type Task } from './lane';

const options = (overrides: Partial<LaneOptions> = {}): LaneOptions => ({
  idleMs: 20,
  maxIdleMs: 160,
  errorBackoffMs: 50,
  onError: () => undefined,
  ...overrides,
});

/** Resolves when `predicate` holds, checked every 5 ms; fails the test after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('Lane', () => {
  let lane: Lane | undefined;

  afterEach(async () => {
    await lane?.stop();
    lane = undefined;
  });

  it('waits twice as long after each pass that finds nothing, up to the longest wait', async () => {
    const waits: number[] = [];
    lane = new Lane([{ name: 'idle', step: () => Promise.resolve(waits.push(lane!.nextWaitMs) < 0) }], options());
    lane.start();
    await until(() => waits.length >= 7);
    expect(waits.slice(0, 7)).toEqual([20, 40, 80, 160, 160, 160, 160]);
  });

  it('runs pass after pass while there is work, and starts over from the shortest wait after it', async () => {
    let pending = 0;
    const passes: Array<{ wait: number; worked: boolean }> = [];
    const task: Task = {
      name: 'queue',
      step: () => {
        const worked = pending > 0;
        if (worked) pending -= 1;
        passes.push({ wait: lane!.nextWaitMs, worked });
        return Promise.resolve(worked);
      },
    };
    lane = new Lane([task], options({ idleMs: 20, maxIdleMs: 60_000 }));
    lane.start();
    await until(() => passes.length >= 4); // 20, 40, 80, 160
    pending = 3;
    const queuedAt = Date.now();
    await until(() => pending === 0);
    // Three batches back to back, not three waits (the wait before the first is at most 320 ms).
    expect(Date.now() - queuedAt).toBeLessThan(1_000);
    const lastBusy = passes.map((pass) => pass.worked).lastIndexOf(true);
    await until(() => passes.length >= lastBusy + 3);
    expect(passes.slice(lastBusy + 1, lastBusy + 3).map((pass) => pass.wait)).toEqual([20, 40]);
  });

  it('ends its wait when woken, and waits the shortest time again', async () => {
    const passes: number[] = [];
    const waits: number[] = [];
    lane = new Lane(
      [
        {
          name: 'idle',
          step: () => {
            passes.push(Date.now());
            waits.push(lane!.nextWaitMs);
            return Promise.resolve(false);
          },
        },
      ],
      options({ idleMs: 20, maxIdleMs: 60_000 }),
    );
    lane.start();
    await until(() => waits.length >= 7); // the wait is now 1,280 ms and growing
    const wokenAt = Date.now();
    lane.wake();
    await until(() => passes.length >= 8);
    expect(passes[7] - wokenAt).toBeLessThan(700);
    expect(waits[7]).toBe(20);
  });

  it('looks again after its shortest wait when woken during a pass that found nothing (the work may have come after its look)', async () => {
    const passes: Array<{ at: number; wait: number }> = [];
    lane = new Lane(
      [
        {
          name: 'misses the news',
          step: () => {
            passes.push({ at: Date.now(), wait: lane!.nextWaitMs });
            // Once backed off to 800 ms, a change commits while this pass looks.
            if (lane!.nextWaitMs === 800) lane!.wake();
            return Promise.resolve(false);
          },
        },
      ],
      options({ idleMs: 50, maxIdleMs: 5_000 }),
    );
    lane.start();
    await until(() => passes.some((pass) => pass.wait === 800));
    const woken = passes.findIndex((pass) => pass.wait === 800);
    await until(() => passes.length > woken + 1);
    const gap = passes[woken + 1].at - passes[woken].at;
    expect(gap).toBeGreaterThanOrEqual(45);
    expect(gap).toBeLessThan(400);
    expect(passes[woken + 1].wait).toBe(100);
  });

  it('looks no more often than its shortest wait under a stream of wakes, and more often than backing off would', async () => {
    let passes = 0;
    lane = new Lane([{ name: 'idle', step: () => Promise.resolve(++passes < 0) }], options({ idleMs: 100, maxIdleMs: 5_000 }));
    lane.start();
    const writes = setInterval(() => lane!.wake(), 5);
    try {
      await sleep(2_000);
    } finally {
      clearInterval(writes);
    }
    // At most one look per 100 ms (about 20 in 2 s); without the wakes, 100 + 200 + 400 + 800 ms of waits: 5 looks.
    expect(passes).toBeLessThanOrEqual(21);
    expect(passes).toBeGreaterThanOrEqual(10);
  });

  it('waits out its error backoff even when woken, and reports the error', async () => {
    const errors: string[] = [];
    const passes: number[] = [];
    lane = new Lane(
      [
        {
          name: 'fails once',
          step: () => {
            passes.push(Date.now());
            return passes.length === 1 ? Promise.reject(new Error('database away')) : Promise.resolve(false);
          },
        },
      ],
      options({ errorBackoffMs: 300, onError: (task, error) => errors.push(`${task.name}: ${String(error)}`) }),
    );
    lane.start();
    await until(() => errors.length === 1);
    lane.wake();
    await until(() => passes.length >= 2);
    expect(passes[1] - passes[0]).toBeGreaterThanOrEqual(290);
    expect(errors).toEqual(['fails once: Error: database away']);
  });

  it('stops without waiting out its wait', async () => {
    let passes = 0;
    lane = new Lane([{ name: 'idle', step: () => Promise.resolve(++passes < 0) }], options({ idleMs: 60_000 }));
    lane.start();
    await until(() => passes === 1);
    const stoppingAt = Date.now();
    await lane.stop();
    expect(Date.now() - stoppingAt).toBeLessThan(500);
    expect(passes).toBe(1);
  });
});
