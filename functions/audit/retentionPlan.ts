import { addDays, yearsBefore } from '../domain/time';
import type { ArchiveCoverage } from '../schema/audit';
import type { ComplianceSettings } from '../schema/documents';

/**
 * Which audit events the retention job may delete. Pure: the clock, the account's settings and
 * its archive index come in as arguments.
 *
 * An event may go only when (1) it is older than its retention and (2) a complete signed bundle
 * holds it: its timestamp lies inside some complete archive's [periodStart, periodEnd). Stricter
 * than "before the latest periodEnd": an event in a gap between bundles, or before the first one,
 * is in no bundle and stays.
 */

/** Action families kept for the security retention (7 years by default). */
export const SECURITY_ACTION_PREFIXES = ['apikey', 'auth', 'member', 'role'] as const;

export const DEFAULT_RETENTION_YEARS = { security: 7, other: 2 } as const;

export const NO_BUNDLE_REFUSAL = 'refusing to purge: no signed bundle covers events yet';

/** Half-open ranges [from, to). */
export interface PurgeWindow {
  /** Action names in [actionFrom, actionTo) (string order, as Firestore compares them). */
  actionFrom: string;
  actionTo: string;
  from: Date;
  to: Date;
}

export type PurgePlan = { refused: string } | { windows: PurgeWindow[] };

/** Above every action name the schema allows (lower-case ASCII) and any BMP character. */
const STRING_MAX = '\uffff';

/** `p.` ≤ action < `p/` is exactly "starts with `p.`", since '/' follows '.' in ASCII. */
function securityRanges(): [string, string][] {
  return SECURITY_ACTION_PREFIXES.map((p) => [`${p}.`, `${p}/`]);
}

/** The complement of the security ranges over all strings: every other action. */
function otherRanges(): [string, string][] {
  const bounds = securityRanges();
  const ranges: [string, string][] = [];
  let from = '';
  for (const [start, end] of bounds) {
    ranges.push([from, start]);
    from = end;
  }
  ranges.push([from, STRING_MAX]);
  return ranges;
}

/**
 * Cutoffs per family. `retention.auditLogDays` sets the general retention; security events keep
 * `retention.securityAuditLogDays`, or never less than the general retention.
 */
export function retentionCutoffs(
  now: Date,
  retention: ComplianceSettings['retention'],
): { security: Date; other: Date } {
  const other =
    retention.auditLogDays !== undefined
      ? addDays(now, -retention.auditLogDays)
      : yearsBefore(now, DEFAULT_RETENTION_YEARS.other);
  const securityDays = retention.securityAuditLogDays;
  const securityDefault = yearsBefore(now, DEFAULT_RETENTION_YEARS.security);
  const security =
    securityDays !== undefined
      ? addDays(now, -securityDays)
      : new Date(Math.min(securityDefault.getTime(), other.getTime()));
  return { security, other };
}

/** Complete archives' periods merged into disjoint, sorted intervals. */
export function coveredIntervals(archives: readonly ArchiveCoverage[]): { from: Date; to: Date }[] {
  const periods = archives
    .filter((a) => a.status === 'complete' && a.periodStart < a.periodEnd)
    .map((a) => ({ from: a.periodStart, to: a.periodEnd }))
    .sort((a, b) => a.from.getTime() - b.from.getTime());
  const merged: { from: Date; to: Date }[] = [];
  for (const p of periods) {
    const last = merged[merged.length - 1];
    if (last && p.from <= last.to) {
      if (p.to > last.to) last.to = p.to;
    } else {
      merged.push({ ...p });
    }
  }
  return merged;
}

export function planPurge(
  now: Date,
  retention: ComplianceSettings['retention'],
  archives: readonly ArchiveCoverage[],
): PurgePlan {
  const covered = coveredIntervals(archives);
  if (covered.length === 0) return { refused: NO_BUNDLE_REFUSAL };
  const cutoffs = retentionCutoffs(now, retention);
  const families: [[string, string][], Date][] = [
    [securityRanges(), cutoffs.security],
    [otherRanges(), cutoffs.other],
  ];
  const windows: PurgeWindow[] = [];
  for (const interval of covered) {
    for (const [ranges, cutoff] of families) {
      const to = new Date(Math.min(interval.to.getTime(), cutoff.getTime()));
      if (to <= interval.from) continue;
      for (const [actionFrom, actionTo] of ranges) {
        windows.push({ actionFrom, actionTo, from: interval.from, to });
      }
    }
  }
  return { windows };
}

/** Whether one event falls in a plan's windows (the rule the queries implement, for tests). */
export function mayPurge(plan: PurgePlan, event: { action: string; timestamp: Date }): boolean {
  if ('refused' in plan) return false;
  return plan.windows.some(
    (w) =>
      event.action >= w.actionFrom &&
      event.action < w.actionTo &&
      event.timestamp >= w.from &&
      event.timestamp < w.to,
  );
}
