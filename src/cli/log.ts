import type { LogLevel } from '../config/config.js';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured fields of a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A tiny structured logger: one JSON object per line on stderr. */
export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /**
   * True at most once per `ms` for `key`: guard a log call with it so a failure
   * that repeats every second yields one line per interval, not a flood.
   */
  logEvery(key: string, ms: number): boolean;
}

/** Options of {@link createLogger}; the defaults write to stderr with the wall clock. */
export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

function errorFields(fields: LogFields): LogFields {
  // Error objects stringify to {}; keep what a reader needs.
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof Error) {
      out ??= { ...fields };
      out[k] = { name: v.name, message: v.message, ...('code' in v ? { code: v.code } : {}) };
    }
  }
  return out ?? fields;
}

/** A logger that drops lines below `level`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? Date.now;
  const lastLogged = new Map<string, number>();
  const emit = (lvl: LogLevel, msg: string, fields: LogFields | undefined): void => {
    if (RANK[lvl] < RANK[level]) return;
    const record = {
      time: new Date(now()).toISOString(),
      level: lvl,
      msg,
      ...(fields ? errorFields(fields) : {}),
    };
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ time: record.time, level: lvl, msg, fieldsError: 'unserialisable fields' });
    }
    write(`${line}\n`);
  };
  return {
    level,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    logEvery(key, ms) {
      const t = now();
      const last = lastLogged.get(key);
      if (last !== undefined && t - last < ms) return false;
      if (lastLogged.size > 10_000) lastLogged.clear();
      lastLogged.set(key, t);
      return true;
    },
  };
}
