import { invalidArgument } from '../domain/errors';
import {
  quarterBefore,
  quarterContaining,
  quarterFromId,
  quarterSpanning,
} from '../domain/quarter';
import { DAY_MS, isUtcMidnight, utcDay } from '../domain/time';
import { MAX_PERIOD_DAYS } from '../schema/bundle';

/** A bundle's period: [start, end) in UTC, with a deterministic id used as archive id. */
export interface Period {
  id: string;
  start: Date;
  /** Exclusive. */
  end: Date;
}

/** `2026-Q3` → [2026-07-01, 2026-10-01). */
export function parseQuarter(id: string): Period {
  const quarter = quarterFromId(id);
  if (!quarter) throw invalidArgument(`period must look like 2026-Q3, got "${id}"`);
  return quarter;
}

/** The last quarter that ended at or before `now` (the scheduled run archives this one). */
export function previousQuarter(now: Date): Period {
  return quarterBefore(quarterContaining(now));
}

const compact = (d: Date) => (isUtcMidnight(d) ? utcDay(d) : d.toISOString().replace(/[-:]/g, ''));

/**
 * Id of an arbitrary period: a calendar quarter keeps its quarter id (so an on-demand rerun of
 * a quarter finds the scheduled bundle); anything else is `start_end`, e.g.
 * `2026-07-01_2026-08-15` or `20260701T120000.000Z_…` when not at midnight.
 */
export function periodId(start: Date, end: Date): string {
  return quarterSpanning(start, end)?.id ?? `${compact(start)}_${compact(end)}`;
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
