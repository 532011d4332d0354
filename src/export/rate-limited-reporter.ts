/** Where the export edge reports trouble: a structured log line in production. */
export type ProblemLogger = (message: string, fields: Readonly<Record<string, unknown>>) => void;

/**
 * Lets one report through per interval and counts what it held back, so a dead
 * backend yields one log line a minute instead of one per batch.
 */
export class RateLimitedReporter {
  readonly #log: ProblemLogger;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #last = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  constructor(log: ProblemLogger, intervalMs: number, now: () => number = Date.now) {
    this.#log = log;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** Logs now if the interval has passed since the last line, else counts it. Returns whether it logged. */
  report(message: string, fields: Readonly<Record<string, unknown>>): boolean {
    const t = this.#now();
    if (t - this.#last < this.#intervalMs) {
      this.#suppressed += 1;
      return false;
    }
    this.#last = t;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    this.#log(message, suppressed > 0 ? { ...fields, suppressed } : fields);
    return true;
  }

  /** Logs unconditionally and restarts the interval: for the one-off "recovered" line. */
  always(message: string, fields: Readonly<Record<string, unknown>>): void {
    this.#last = Number.NEGATIVE_INFINITY;
    this.#suppressed = 0;
    this.#log(message, fields);
  }
}
