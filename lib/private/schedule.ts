/**
 * Pure checks of a CronJob's `schedule` and `timeZone`, in the style of `validate.ts`: each returns
 * `undefined` when the value is allowed, or what is allowed when it is not.
 *
 * The grammar is the one the Kubernetes API server accepts (robfig/cron `ParseStandard`): five
 * fields, each `*`, a number, a range `a-b`, a list `a,b`, with an optional step `/n` after `*`, a
 * range or a number (`5/15` is `5-59/15`); month and day-of-week names (`JAN`, `mon`) anywhere a
 * number may be; or one of the `@` macros below.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */

import { API_SERVER_TIME_ZONES } from './time-zones';

/** The `@` schedules Kubernetes accepts in place of five fields. */
export const SCHEDULE_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names of the values from `min` on, e.g. JAN for 1. */
  readonly names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const SHAPE = `must have five fields (minute hour day-of-month month day-of-week) or be one of ${SCHEDULE_MACROS.join(', ')}`;

/** A CronJob schedule: five cron fields or an `@` macro, without a `TZ=`/`CRON_TZ=` prefix. */
export function checkSchedule(value: unknown): string | undefined {
  if (typeof value !== 'string') return SHAPE;
  const text = value.trim();
  if (/^(CRON_)?TZ=/i.test(text)) {
    return "must not set a time zone with a TZ= or CRON_TZ= prefix (Kubernetes rejects it): set the 'timeZone' prop instead";
  }
  if (text.startsWith('@')) return (SCHEDULE_MACROS as readonly string[]).includes(text) ? undefined : SHAPE;
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length !== FIELDS.length) return `${SHAPE} (it has ${fields.length} field${fields.length === 1 ? '' : 's'})`;
  for (let i = 0; i < FIELDS.length; i++) {
    const problem = checkField(FIELDS[i], fields[i]);
    if (problem !== undefined) return `field ${i + 1} (${FIELDS[i].name}) ${JSON.stringify(fields[i])} ${problem}`;
  }
  return undefined;
}

function checkField(field: CronField, text: string): string | undefined {
  const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
  const allowed = `must be * or ${field.min}-${field.max}${names} (ranges a-b, lists a,b, steps /n)`;
  for (const item of text.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!m) return allowed;
    const [, base, step] = m;
    if (step !== undefined && parseInt(step, 10) < 1) return 'must have steps of at least 1';
    // The API server parses a step with Go's strconv.Atoi: anything past a 64-bit int fails there.
    if (step !== undefined && BigInt(step) > MAX_GO_INT) return `must have steps of at most ${MAX_GO_INT}`;
    if (base === '*') continue;
    const ends = base.split('-');
    if (ends.length > 2) return allowed;
    const values = ends.map((e) => fieldValue(field, e));
    if (values.some((v) => v === undefined)) return allowed;
    if (values.length === 2 && values[0]! > values[1]!) return 'must have ranges a-b with a <= b';
  }
  return undefined;
}

const MAX_GO_INT = 2n ** 63n - 1n;

function fieldValue(field: CronField, text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = parseInt(text, 10);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? field.min + index : undefined;
}

const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9][A-Za-z0-9_+-]*)*$/;

/**
 * An IANA time zone name such as `Europe/Berlin`, `America/Argentina/Buenos_Aires` or `UTC`. The
 * shape is checked, then the name is looked up in the time zone database the API server embeds
 * (./time-zones), so that a typo or a removed zone (`US/Pacific-New`) fails here rather than in the
 * API server. `Local` is not a zone: Kubernetes rejects it.
 */
export function checkTimeZone(value: unknown): string | undefined {
  const allowed = "must be an IANA time zone name such as 'Europe/Berlin' or 'UTC'";
  if (typeof value !== 'string' || value.length > 64 || !TIME_ZONE.test(value) || value.toLowerCase() === 'local') return allowed;
  if (API_SERVER_TIME_ZONES.has(value)) return undefined;
  // Go's time.LoadLocation matches the case; say so when only the case is wrong
  const lower = value.toLowerCase();
  for (const zone of API_SERVER_TIME_ZONES) if (zone.toLowerCase() === lower) return `${allowed} (spelled '${zone}': the API server matches the case)`;
  return `${allowed} (it is not in the time zone database the API server embeds, Go's tzdata 2025c)`;
}
