import type { PortalContext } from "../context.js";

/** A job the scheduler runs whenever time passes (a tick, or the sandbox clock moving). Jobs must be idempotent. */
export interface Job {
  name: string;
  run(ctx: PortalContext, now: Date): Promise<void>;
}

/**
 * Runs every job on an interval and on demand (after the sandbox clock moves). One run at a time:
 * a tick that comes while a run is going waits for it instead of overlapping.
 */
export class Scheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  constructor(
    private readonly ctx: PortalContext,
    private readonly jobs: Job[],
    private readonly onError: (job: string, err: unknown) => void,
  ) {}

  runDue(): Promise<void> {
    this.#running = this.#running.then(async () => {
      for (const job of this.jobs) {
        try {
          await job.run(this.ctx, this.ctx.clock.now());
        } catch (err) {
          this.onError(job.name, err);
        }
      }
    });
    return this.#running;
  }

  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.runDue(), intervalMs);
    this.#timer.unref();
  }

  /** Stops ticking and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
