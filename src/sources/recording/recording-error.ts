/** Stable codes of {@link RecordingError}. */
export type RecordingErrorCode = 'ERR_RECORDING_LINE' | 'ERR_RECORDING_DOCUMENT' | 'ERR_RECORDING_EMPTY';

/** A recording that cannot be read, naming the line where it went wrong. */
export class RecordingError extends Error {
  override readonly name = 'RecordingError';
  readonly code: RecordingErrorCode;
  /** 1-based line number in the recording. */
  readonly line: number;
  /** The file or stream name, when the caller gave one. */
  readonly source: string | undefined;

  constructor(
    message: string,
    options: { code: RecordingErrorCode; line: number; source?: string | undefined; cause?: unknown },
  ) {
    const where = `${options.source ?? 'recording'}:${options.line}`;
    super(`${where}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.line = options.line;
    this.source = options.source;
  }
}
