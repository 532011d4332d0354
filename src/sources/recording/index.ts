export { JsonLinesParser, parseJsonLine, parseJsonLines } from './json-lines.js';
export { parseKspanCapture } from './kspan-capture.js';
export { detectRecordingFormat, parseRecording, type RecordingFormat } from './parse-recording.js';
export { RecordingError, type RecordingErrorCode } from './recording-error.js';
