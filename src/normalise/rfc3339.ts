/**
 * RFC 3339 timestamps, and nothing else. `Date.parse` is not used: it accepts `"1"`
 * (the year 2001), time-zone dependent forms such as `"Nov 22 2026"`, and rolls
 * `2026-02-30` over into March. Kubernetes writes RFC 3339 (Go's `time.RFC3339`
 * and `RFC3339Nano`), so that is all a stamp may be.
 */

/**
 * The usual Kubernetes stamp, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, read without a regular
 * expression; undefined for anything else (the caller then tries {@link parseRfc3339}).
 * Only values that are certainly valid are read here: years 1970–9999, days up to 28,
 * hours to 23, seconds to 59, 1–9 fraction digits truncated to milliseconds.
 */
export function parseUtcStamp(value: string): number | undefined {
  const n = value.length;
  if (n < 20 || n > 30 || value.charCodeAt(n - 1) !== 0x5a /* Z */) return undefined;
  if (
    value.charCodeAt(4) !== 0x2d ||
    value.charCodeAt(7) !== 0x2d ||
    value.charCodeAt(10) !== 0x54 ||
    value.charCodeAt(13) !== 0x3a ||
    value.charCodeAt(16) !== 0x3a
  ) {
    return undefined;
  }
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 28 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    return undefined;
  }
  let ms = 0;
  if (n > 20) {
    // A fraction: a dot, then 1–9 digits; only milliseconds are kept.
    if (value.charCodeAt(19) !== 0x2e || n === 21) return undefined;
    for (let i = 20; i < n - 1; i++) {
      const d = value.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) return undefined;
      if (i < 23) ms = ms * 10 + d;
    }
    if (n === 22) ms *= 100;
    else if (n === 23) ms *= 10;
  }
  return (
    daysSinceEpoch(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms
  );
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (years from 1970), as
 * `Date.UTC` counts them: plain arithmetic (H. Hinnant's days_from_civil), as
 * `Date.UTC` is a call into the runtime and this runs for every stamp of every delta.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 date-time (`2026-11-22T10:00:00.123456789Z`, `…+01:00`) as epoch
 * milliseconds, the fraction truncated to milliseconds; undefined for anything
 * else, including dates that do not exist (`2026-02-30`) and leap seconds, which
 * Go's parser rejects too.
 */
export function parseRfc3339(value: string): number | undefined {
  const fast = parseUtcStamp(value);
  if (fast !== undefined) return fast;
  if (value.length > 64) return undefined;
  const m = RFC3339.exec(value);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map the years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime() - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The decimal number in `length` digits of `value` from `at`; -1 when one is not a digit. */
function digits(value: string, at: number, length: number): number {
  let out = 0;
  for (let i = at; i < at + length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    out = out * 10 + d;
  }
  return out;
}
