/** The only notion of time the pure core has: given to it, never read from the host. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** A clock that only moves when told to: replay, tests and benchmarks use it. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = 0) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  /** Moves the clock forward to `time`; it never goes backwards. */
  advanceTo(time: number): void {
    if (time > this.#now) this.#now = time;
  }
}

/** The host's wall clock, for live runs. */
export const systemClock: Clock = { now: () => Date.now() };
