/**
 * Fewer wakeups for busy watches. Each watch frame the apiserver writes
 * arrives in a TCP segment of its own, and Node reads a socket as soon as the
 * kernel says it is readable: one wakeup of the process, one `read`, one TLS
 * record and one callback per delta. That wakeup, not the parsing, was most of
 * the CPU a live delta cost (docs/DEVELOPMENT.md).
 *
 * When watch data keeps coming (a chunk within {@link busyMs} of the one
 * before), the coalescer stops reading every watch socket for `windowMs`, and
 * the kernel queues what arrives meanwhile; then one wakeup reads what all the
 * watches sent. A quiet watch is read at once, as before: its first chunk
 * after a quiet spell never waits. What waits is at most `windowMs` late, so
 * its observation time is that much later; the engine applies deltas seconds
 * after their observation and tolerates far more lag than this (see Time in
 * the README).
 *
 * Node has no public way to stop a socket's reads (pausing a stream keeps
 * reading until its buffer is full, one read per segment), so this uses the
 * socket's stream handle (`readStop` / `readStart`, what Node's own flow
 * control calls), and does nothing for a socket without one.
 */

/** How long reads wait once watches are busy. @default 50 */
export const DEFAULT_READ_WINDOW_MS = 50;

/** The part of a socket's native handle used here (Node's `LibuvStreamWrap` / `TLSWrap`). */
interface StreamHandle {
  reading?: boolean;
  readStop?: () => number;
  readStart?: () => number;
}

/** What a watch stream's socket must offer. */
export interface CoalescedSocket {
  readonly destroyed: boolean;
}

/** Timers, injected so tests control them. */
export interface CoalescerTimer {
  now(): number;
  setTimeout(fn: () => void, ms: number): void;
  /** Runs `fn` once the current round of I/O callbacks is done (`setImmediate`). */
  afterIo(fn: () => void): void;
}

const realTimer: CoalescerTimer = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    // Shutdown never waits on a read window.
    setTimeout(fn, ms).unref();
  },
  afterIo: (fn) => {
    setImmediate(fn);
  },
};

function handleOf(socket: CoalescedSocket): StreamHandle | undefined {
  const h = (socket as { _handle?: unknown })._handle;
  if (typeof h !== 'object' || h === null) return undefined;
  const handle = h as StreamHandle;
  return typeof handle.readStop === 'function' && typeof handle.readStart === 'function' ? handle : undefined;
}

/** Holds the reads of a set of watch sockets together (see the file's comment). */
export class ReadCoalescer {
  readonly #windowMs: number;
  readonly #busyMs: number;
  readonly #timer: CoalescerTimer;
  readonly #sockets = new Set<CoalescedSocket>();
  /** Handles this coalescer stopped, to start again when the window closes. */
  readonly #stopped = new Map<CoalescedSocket, StreamHandle>();
  /** A window is open: reads are stopped until it closes. */
  #holding = false;
  /** A window opens once this round of I/O callbacks is done. */
  #opening = false;
  #lastChunk = Number.NEGATIVE_INFINITY;

  /**
   * @param windowMs how long reads wait once watches are busy; 0 turns coalescing off.
   * @param timer injected time.
   */
  constructor(windowMs: number = DEFAULT_READ_WINDOW_MS, timer: CoalescerTimer = realTimer) {
    if (!(Number.isFinite(windowMs) && windowMs >= 0))
      throw new TypeError(`windowMs must be a non-negative number, got ${windowMs}`);
    this.#windowMs = windowMs;
    // A chunk this soon after the last one means the watches are busy: a window's own read comes windowMs after its first chunk.
    this.#busyMs = 2 * windowMs;
    this.#timer = timer;
  }

  /** Whether a window is open (reads stopped). */
  get holding(): boolean {
    return this.#holding;
  }

  /** Counts `socket` among the watches whose reads are held together. */
  add(socket: CoalescedSocket): void {
    if (this.#windowMs === 0) return;
    this.#sockets.add(socket);
    if (this.#holding) this.#stop(socket);
  }

  /** Forgets `socket` (its watch ended), reading it again if this held it. */
  remove(socket: CoalescedSocket): void {
    this.#sockets.delete(socket);
    this.#start(socket);
  }

  /** Called after each chunk a watch socket delivered. */
  chunk(): void {
    if (this.#windowMs === 0 || this.#holding) return;
    const now = this.#timer.now();
    const busy = now - this.#lastChunk < this.#busyMs;
    this.#lastChunk = now;
    if (!busy || this.#opening) return;
    // Not at once: the other sockets found readable in this round are read first, so no watch starves.
    this.#opening = true;
    this.#timer.afterIo(() => this.#open());
  }

  #open(): void {
    this.#opening = false;
    if (this.#holding) return;
    this.#holding = true;
    for (const socket of this.#sockets) this.#stop(socket);
    this.#timer.setTimeout(() => this.#close(), this.#windowMs);
  }

  #close(): void {
    this.#holding = false;
    for (const socket of [...this.#stopped.keys()]) this.#start(socket);
  }

  #stop(socket: CoalescedSocket): void {
    if (socket.destroyed || this.#stopped.has(socket)) return;
    const handle = handleOf(socket);
    // Only a socket Node is reading: one stopped by its own flow control is left to it.
    if (handle === undefined || handle.reading !== true) return;
    handle.readStop?.();
    this.#stopped.set(socket, handle);
  }

  #start(socket: CoalescedSocket): void {
    const handle = this.#stopped.get(socket);
    if (handle === undefined) return;
    this.#stopped.delete(socket);
    // The same handle, still meant to read: a socket closed or paused meanwhile stays as Node left it.
    if (socket.destroyed || handleOf(socket) !== handle || handle.reading !== true) return;
    handle.readStart?.();
  }
}
