/** Stable codes of {@link ExportError}. */
export type ExportErrorCode =
  | 'ERR_EXPORT_QUEUE_FULL'
  | 'ERR_EXPORT_SHUTDOWN'
  | 'ERR_EXPORT_WRITE'
  | 'ERR_EXPORT_BACKEND';

/** A failure at the export edge; `code` is stable, `cause` carries the underlying error. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
  readonly code: ExportErrorCode;
  constructor(code: ExportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
