import type { Clock } from '../model/clock.js';

/** Timers, injected so tests control them. */
export interface IntervalTimer {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimer: IntervalTimer = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/**
 * Ticks the assembly buffer at a fixed period and says whether it still turns:
 * the liveness probe fails when the last tick is more than `stallTicks` periods old.
 */
export class AssemblyLoop {
  readonly #clock: Clock;
  readonly #periodMs: number;
  readonly #stallTicks: number;
  readonly #timer: IntervalTimer;
  readonly #tick: () => void;
  readonly #onError: (err: unknown) => void;
  #lastTick: number;
  #handle: unknown;

  constructor(options: {
    clock: Clock;
    periodMs: number;
    tick: () => void;
    onError: (err: unknown) => void;
    stallTicks?: number;
    timer?: IntervalTimer;
  }) {
    this.#clock = options.clock;
    this.#periodMs = options.periodMs;
    this.#stallTicks = options.stallTicks ?? 10;
    this.#timer = options.timer ?? realTimer;
    this.#tick = options.tick;
    this.#onError = options.onError;
    this.#lastTick = this.#clock.now();
  }

  /** Starts ticking. */
  start(): void {
    this.#handle ??= this.#timer.setInterval(() => this.turn(), this.#periodMs);
  }

  /** One tick: records that the loop turns, then runs the work; a failing tick is reported, not fatal. */
  turn(): void {
    this.#lastTick = this.#clock.now();
    try {
      this.#tick();
    } catch (err) {
      this.#onError(err);
    }
  }

  /** Stops ticking. */
  stop(): void {
    if (this.#handle !== undefined) this.#timer.clearInterval(this.#handle);
    this.#handle = undefined;
  }

  /** The liveness verdict: a reason when the loop has stalled, else undefined. */
  health(): string | undefined {
    return this.#clock.now() - this.#lastTick > this.#stallTicks * this.#periodMs
      ? 'assembly loop stalled'
      : undefined;
  }
}
