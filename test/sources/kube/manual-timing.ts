import type { ReflectorTiming } from '../../../src/sources/kube/reflector.js';

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
}

/** Lets pending promise chains run before time moves on. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Time that moves only when the test says so: sleeps fire in order as
 * {@link ManualTiming.advance} passes their due time. Starts at `start` (epoch ms).
 */
export class ManualTiming implements ReflectorTiming {
  #now: number;
  #sleepers: Sleeper[] = [];
  readonly clock = { now: (): number => this.#now };
  random = (): number => 0.5;

  constructor(start = Date.UTC(2026, 10, 30, 9, 0, 0)) {
    this.#now = start;
  }

  readonly sleep = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });

  /** Moves the clock forward by `ms`, firing every sleep due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#sleepers.reduce<Sleeper | undefined>(
        (a, s) => (s.at <= target && (a === undefined || s.at < a.at) ? s : a),
        undefined,
      );
      if (next === undefined) break;
      this.#sleepers = this.#sleepers.filter((s) => s !== next);
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
      await settle();
    }
    this.#now = target;
    await settle();
  }
}
