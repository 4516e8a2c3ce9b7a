/** One kind of background work: does one batch, and says whether there was any. */
export interface Task {
  name: string;
  step(): Promise<boolean>;
}

export interface LaneOptions {
  /** The wait after a pass that found nothing, when work was found (or announced) just before. */
  idleMs: number;
  /** The longest wait: each further pass that finds nothing doubles the wait up to this. */
  maxIdleMs: number;
  /** Called with a failed batch; the lane then waits `errorBackoffMs` before its next task. */
  onError(task: Task, error: unknown): void;
  errorBackoffMs: number;
}

/**
 * Tasks that run one after another, pass after pass, for as long as the lane runs. A pass
 * that finds no work waits before the next, longer each time while nothing turns up (so an
 * idle instance hardly queries the database). `wake()` (a change committed, another lane
 * queued work) cuts the wait short and starts over from the shortest one, but a lane that
 * finds nothing never looks again sooner than `idleMs` after its last look: under a stream
 * of writes it polls no faster than it would without backing off. A wake that arrives
 * during a pass is kept: the pass that may have missed the new work is followed by another
 * after `idleMs`.
 */
export class Lane {
  private running = false;
  private loop?: Promise<void>;
  private wait: number;
  private woken = false;
  private endSleep?: () => void;
  private shortenSleep?: () => void;

  constructor(
    readonly tasks: Task[],
    private readonly options: LaneOptions,
  ) {
    this.wait = options.idleMs;
  }

  /** How long the lane waits after its next pass if that one finds nothing (for tests and logs). */
  get nextWaitMs(): number {
    return this.wait;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.endSleep?.();
    await this.loop;
  }

  wake(): void {
    this.woken = true;
    this.shortenSleep?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let worked = false;
      for (const task of this.tasks) {
        if (!this.running) break;
        try {
          if (await task.step()) worked = true;
        } catch (error) {
          if (!this.running) break;
          this.options.onError(task, error);
          await this.sleep(this.options.errorBackoffMs, { wakeable: false });
        }
      }
      if (!this.running) break;
      if (worked) {
        this.wait = this.options.idleMs;
        continue;
      }
      if (this.woken) this.wait = this.options.idleMs;
      this.woken = false;
      await this.sleep(this.wait, { wakeable: true });
      this.wait = this.woken ? this.options.idleMs : Math.min(this.wait * 2, this.maxIdleMs);
    }
  }

  private get maxIdleMs(): number {
    return Math.max(this.options.maxIdleMs, this.options.idleMs);
  }

  /** Ends early when the lane stops; when it is woken, if `wakeable`, `idleMs` after it began at the latest. */
  private sleep(ms: number, { wakeable }: { wakeable: boolean }): Promise<void> {
    return new Promise((resolve) => {
      const startedAt = Date.now();
      const end = () => {
        clearTimeout(timer);
        this.endSleep = undefined;
        this.shortenSleep = undefined;
        resolve();
      };
      let timer = setTimeout(end, ms);
      this.endSleep = end;
      if (wakeable) {
        this.shortenSleep = () => {
          const left = startedAt + this.options.idleMs - Date.now();
          if (left <= 0) return end();
          clearTimeout(timer);
          timer = setTimeout(end, left);
        };
      }
    });
  }
}
