/**
 * Reads the apiserver's clock, htpdate-style: a burst of cheap direct requests
 * (`GET /version`, which every client may read: the built-in
 * `system:public-info-viewer` role), each timed on the watcher's clock and
 * answered with an HTTP `Date` (whole seconds). A burst spans just over a
 * second, so that two of its answers straddle a `Date` boundary and pin the
 * offset to about the spacing plus a round trip (see ClockSample). One burst at
 * startup, then one every `intervalMs`.
 */
import type { Clock } from '../../model/clock.js';
import {
  type ClockSample,
  clockSampleProblem,
  combinedBounds,
  type OffsetBounds,
} from '../../model/clock-sample.js';
import type { DateReading } from './kube-transport.js';

/** What is requested: small, static, and allowed to every client. */
export const CALIBRATION_PATH = '/version';
/** Between the starts of two requests of a burst. */
export const BURST_SPACING_MS = 50;
/** A burst's requests start over this span: just over the `Date` header's second. */
export const BURST_SPAN_MS = 1_100;
/** A request of a burst that takes longer says little about the clock. */
const REQUEST_TIMEOUT_MS = 5_000;
/** After a burst that read nothing (the apiserver down), the next comes at most this much later. */
const RETRY_MS = 30_000;

/** IMF-fixdate (RFC 9110), the form every HTTP server sends: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** An HTTP `Date` header as epoch ms (a whole second); undefined unless it is an IMF-fixdate. */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined || !IMF_FIXDATE.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms % 1000 === 0 ? ms : undefined;
}

/** The one request the calibrator makes; HttpKubeTransport has it. */
export interface DateSource {
  readDate(path: string, signal: AbortSignal, now: () => number): Promise<DateReading>;
}

/** What one burst read. */
export interface BurstResult {
  /** Samples taken (each was also given to `onSample`). */
  readonly samples: number;
  /** Requests that gave no sample. */
  readonly failures: number;
  /** The offset bounds the burst's samples give together (watcher minus cluster, ms). */
  readonly bounds?: OffsetBounds;
  /** Why the last failed request failed. */
  readonly error?: string;
}

/** Options of {@link ClockCalibrator}. */
export interface ClockCalibratorOptions {
  readonly source: DateSource;
  /** Between the starts of two bursts; must be positive. */
  readonly intervalMs: number;
  /** Each sample, as it is taken. */
  readonly onSample: (sample: ClockSample) => void;
  /** Each burst, once it is over. */
  readonly onBurst?: (result: BurstResult) => void;
  /** The watcher's clock, and waiting; the real ones by default. */
  readonly clock?: Clock;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** @default BURST_SPACING_MS */
  readonly spacingMs?: number;
  /** @default BURST_SPAN_MS */
  readonly spanMs?: number;
}

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Reads the apiserver's clock in bursts until stopped; see the file comment. */
export class ClockCalibrator {
  readonly #o: ClockCalibratorOptions;
  readonly #clock: Clock;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #spacingMs: number;
  readonly #spanMs: number;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;

  /** Validates eagerly: a bad interval or spacing throws a TypeError. */
  constructor(options: ClockCalibratorOptions) {
    if (!(Number.isFinite(options.intervalMs) && options.intervalMs > 0))
      throw new TypeError(`intervalMs must be a positive number, got ${options.intervalMs}`);
    const spacingMs = options.spacingMs ?? BURST_SPACING_MS;
    const spanMs = options.spanMs ?? BURST_SPAN_MS;
    if (!(Number.isFinite(spacingMs) && spacingMs > 0))
      throw new TypeError(`spacingMs must be a positive number, got ${spacingMs}`);
    if (!(Number.isFinite(spanMs) && spanMs >= 0))
      throw new TypeError(`spanMs must be 0 or more, got ${spanMs}`);
    this.#o = options;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#sleep = options.sleep ?? realSleep;
    this.#spacingMs = spacingMs;
    this.#spanMs = spanMs;
  }

  /** Starts the first burst now, and the others every interval. */
  start(): void {
    this.#running ??= this.#loop();
  }

  /** Stops, and waits for a burst in progress to end (its request aborted). */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  /** One burst: requests started every spacing over the span, one at a time. */
  async burst(signal: AbortSignal = this.#stop.signal): Promise<BurstResult> {
    const now = (): number => this.#clock.now();
    const start = now();
    const count = Math.floor(this.#spanMs / this.#spacingMs) + 1;
    const samples: ClockSample[] = [];
    let failures = 0;
    let error: string | undefined;
    for (let i = 0; i < count && !signal.aborted; i++) {
      const wait = start + i * this.#spacingMs - now();
      if (wait > 0) await this.#sleep(wait, signal);
      if (signal.aborted) break;
      let reading: DateReading;
      try {
        const bounded = AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
        reading = await this.#o.source.readDate(CALIBRATION_PATH, bounded, now);
      } catch (err) {
        if (signal.aborted) break;
        failures += 1;
        error = err instanceof Error ? err.message : String(err);
        // The apiserver is unreachable: the rest of the burst would only wait on it.
        break;
      }
      const serverDate = parseHttpDate(reading.date);
      if (reading.status !== 200 || serverDate === undefined) {
        failures += 1;
        error =
          reading.status !== 200
            ? `GET ${CALIBRATION_PATH}: HTTP ${reading.status}`
            : `GET ${CALIBRATION_PATH}: no usable Date header (${JSON.stringify(reading.date ?? null)})`;
        continue;
      }
      const sample: ClockSample = { sentAt: reading.sentAt, receivedAt: reading.receivedAt, serverDate };
      const problem = clockSampleProblem(sample);
      if (problem !== undefined) {
        failures += 1;
        error = `GET ${CALIBRATION_PATH}: ${problem}`;
        continue;
      }
      samples.push(sample);
      this.#o.onSample(sample);
    }
    const bounds = combinedBounds(samples);
    return {
      samples: samples.length,
      failures,
      ...(bounds === undefined ? {} : { bounds }),
      ...(error === undefined ? {} : { error }),
    };
  }

  async #loop(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const started = this.#clock.now();
      const result = await this.burst(signal);
      if (signal.aborted) break;
      this.#o.onBurst?.(result);
      const every = result.samples > 0 ? this.#o.intervalMs : Math.min(this.#o.intervalMs, RETRY_MS);
      await this.#sleep(Math.max(0, started + every - this.#clock.now()), signal);
    }
  }
}
