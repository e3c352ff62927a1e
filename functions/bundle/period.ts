import { invalidArgument } from '../domain/errors';
import { MAX_PERIOD_DAYS } from '../schema/bundle';

/** A bundle's period: [start, end) in UTC, with a deterministic id used as archive id. */
export interface Period {
  id: string;
  start: Date;
  /** Exclusive. */
  end: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function quarterOf(date: Date): { year: number; quarter: number } {
  return { year: date.getUTCFullYear(), quarter: Math.floor(date.getUTCMonth() / 3) + 1 };
}

function quarterPeriod(year: number, quarter: number): Period {
  return {
    id: `${year}-Q${quarter}`,
    start: new Date(Date.UTC(year, (quarter - 1) * 3, 1)),
    end: new Date(Date.UTC(year, quarter * 3, 1)),
  };
}

/** `2026-Q3` → [2026-07-01, 2026-10-01). */
export function parseQuarter(id: string): Period {
  const match = /^(\d{4})-Q([1-4])$/.exec(id);
  if (!match) throw invalidArgument(`period must look like 2026-Q3, got "${id}"`);
  return quarterPeriod(Number(match[1]), Number(match[2]));
}

/** The last quarter that ended at or before `now` (the scheduled run archives this one). */
export function previousQuarter(now: Date): Period {
  const { year, quarter } = quarterOf(now);
  return quarter === 1 ? quarterPeriod(year - 1, 4) : quarterPeriod(year, quarter - 1);
}

const isMidnightUtc = (d: Date) => d.getTime() % DAY_MS === 0;
const compact = (d: Date) =>
  isMidnightUtc(d) ? d.toISOString().slice(0, 10) : d.toISOString().replace(/[-:]/g, '');

/**
 * Id of an arbitrary period: a calendar quarter keeps its quarter id (so an on-demand rerun of
 * a quarter finds the scheduled bundle); anything else is `start_end`, e.g.
 * `2026-07-01_2026-08-15` or `20260701T120000.000Z_…` when not at midnight.
 */
export function periodId(start: Date, end: Date): string {
  const { year, quarter } = quarterOf(start);
  const q = quarterPeriod(year, quarter);
  if (q.start.getTime() === start.getTime() && q.end.getTime() === end.getTime()) return q.id;
  return `${compact(start)}_${compact(end)}`;
}

/**
 * A requested period: start before end, end not in the future, at most {@link MAX_PERIOD_DAYS}.
 * Each refusal names the field at fault.
 */
export function customPeriod(start: Date, end: Date, now: Date): Period {
  if (end.getTime() <= start.getTime()) {
    throw invalidArgument('periodEnd: must be after periodStart', {
      issues: [{ field: 'periodEnd', message: 'must be after periodStart' }],
    });
  }
  if (end.getTime() > now.getTime()) {
    throw invalidArgument('periodEnd: must not be in the future', {
      issues: [{ field: 'periodEnd', message: 'must not be in the future' }],
    });
  }
  if (end.getTime() - start.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw invalidArgument(
      `periodStart: the period must not be longer than ${MAX_PERIOD_DAYS} days`,
      {
        issues: [{ field: 'periodStart', message: `period longer than ${MAX_PERIOD_DAYS} days` }],
      },
    );
  }
  return { id: periodId(start, end), start, end };
}

/** Object name: one per account and period, never reused. */
export function bundleObjectPath(accountId: string, period: Period): string {
  return `evidence-bundles/${accountId}/${period.id}.zip`;
}
