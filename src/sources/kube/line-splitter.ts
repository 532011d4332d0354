/**
 * Splits a watch body into lines on its bytes. A newline byte (0x0A) never
 * occurs inside a multi-byte UTF-8 sequence, so each complete line is decoded
 * once, as one flat string: no decoder state, no string concatenation, and a
 * chunk's lines are handed over synchronously, with no promise per line.
 */

/** Lines longer than this are not kept whole (a watch event is at most a few MiB). Default 16 MiB. */
export const MAX_LINE_BYTES = 16 * 2 ** 20;

/** What the splitter hands over for a line longer than its bound: a sample that is never valid JSON. */
export function oversizedLine(bytes: number, head: string): string {
  return `oversized line (${bytes} bytes): ${head}`;
}

/** Splits chunks into lines; blank lines are skipped. */
export class LineSplitter {
  readonly #maxLineBytes: number;
  /** The start of an unfinished line, across chunks. */
  #parts: Buffer[] = [];
  #partBytes = 0;
  /** Bytes of the current line dropped because it outgrew the bound (0: none). */
  #dropped = 0;
  #droppedHead = '';

  constructor(maxLineBytes = MAX_LINE_BYTES) {
    if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1)
      throw new TypeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    this.#maxLineBytes = maxLineBytes;
  }

  /**
   * Hands each line that `chunk` completes to `onLine`, in order. Returns false
   * as soon as `onLine` does (the rest of the chunk is not read), else true.
   */
  push(chunk: Buffer, onLine: (line: string) => boolean): boolean {
    let start = 0;
    let nl = chunk.indexOf(10);
    if (nl >= 0 && (this.#partBytes > 0 || this.#dropped > 0)) {
      const line = this.#finishPartial(chunk.subarray(0, nl));
      start = nl + 1;
      if (line !== undefined && !onLine(line)) return false;
      nl = chunk.indexOf(10, start);
    }
    while (nl >= 0) {
      if (nl - start > this.#maxLineBytes) {
        if (!onLine(oversizedLine(nl - start, chunk.toString('utf8', start, start + 120)))) return false;
      } else if (nl > start && !isBlank(chunk, start, nl)) {
        if (!onLine(chunk.toString('utf8', start, nl))) return false;
      }
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.#keep(chunk.subarray(start));
    return true;
  }

  /** The last line, when the body did not end with a newline. */
  end(onLine: (line: string) => boolean): void {
    if (this.#partBytes === 0 && this.#dropped === 0) return;
    const line = this.#finishPartial(Buffer.alloc(0));
    if (line !== undefined) onLine(line);
  }

  #keep(part: Buffer): void {
    if (this.#dropped > 0) {
      this.#dropped += part.length;
      return;
    }
    if (this.#partBytes + part.length > this.#maxLineBytes) {
      // Memory stays bounded: keep a sample, count the rest.
      const head = Buffer.concat([...this.#parts, part.subarray(0, 120)]);
      this.#droppedHead = head.toString('utf8', 0, Math.min(120, head.length));
      this.#dropped = this.#partBytes + part.length;
      this.#parts = [];
      this.#partBytes = 0;
      return;
    }
    this.#parts.push(part);
    this.#partBytes += part.length;
  }

  #finishPartial(tail: Buffer): string | undefined {
    if (this.#dropped > 0) {
      const line = oversizedLine(this.#dropped + tail.length, this.#droppedHead);
      this.#dropped = 0;
      this.#droppedHead = '';
      return line;
    }
    if (this.#partBytes + tail.length > this.#maxLineBytes) {
      const head = Buffer.concat([...this.#parts, tail.subarray(0, 120)]);
      const line = oversizedLine(
        this.#partBytes + tail.length,
        head.toString('utf8', 0, Math.min(120, head.length)),
      );
      this.#parts = [];
      this.#partBytes = 0;
      return line;
    }
    const whole = this.#parts.length === 1 && tail.length === 0 ? this.#parts[0] : undefined;
    const buf = whole ?? Buffer.concat([...this.#parts, tail], this.#partBytes + tail.length);
    this.#parts = [];
    this.#partBytes = 0;
    return buf.length === 0 || isBlank(buf, 0, buf.length) ? undefined : buf.toString('utf8');
  }
}

/** Whether bytes [start, end) are only spaces, tabs and carriage returns. Cheap: it stops at the first other byte. */
function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b !== 32 && b !== 9 && b !== 13) return false;
  }
  return true;
}
