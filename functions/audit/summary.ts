import type { Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import { addDays, startOfUtcDay, utcDaysFrom } from '../domain/time';
import {
  auditDaySchema,
  auditWindowSchema,
  rollupShardSchema,
  type AuditLogSummary,
  type AuditWindowCounts,
} from '../schema/audit';
import { parseDocument, parseSnapshot } from '../schema/common';
import { subcollectionPath } from '../schema/paths';
import { auditWindowRef, dayRef } from './compaction';
import { sumRollups, topActors, type SummaryPart } from './rollupMath';

const TOP_ACTORS = 10;

/** Firestore's bound on the values of one `in` filter. */
const IN_FILTER_LIMIT = 30;

/**
 * The window covers whole UTC days (rollups are per day): today and the `windowDays - 1` days
 * before it.
 */
export function summaryWindow(now: Date, windowDays: number): { start: Date; end: Date } {
  return { start: addDays(startOfUtcDay(now), -(windowDays - 1)), end: now };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface WindowRead {
  /** The window document when it lies inside the summary's window, else undefined. */
  counts?: AuditWindowCounts;
  readTime: number;
}

/**
 * `auditWindow/closedDays` (compaction.ts), usable when every day it sums lies inside this
 * summary's window and before today. A malformed or outdated one is not an error: the summary
 * reads the days themselves, as it does before the first hourly build.
 */
async function readAuditWindow(
  db: Firestore,
  accountId: string,
  windowDays: readonly string[],
): Promise<WindowRead> {
  const ref = auditWindowRef(db, accountId);
  const snapshot = await ref.get();
  const readTime = snapshot.readTime.toMillis();
  if (!snapshot.exists) return { readTime };
  const parsed = parseDocument(auditWindowSchema, ref.path, snapshot.data());
  if (!parsed.ok) {
    logger.warn('malformed audit window; summing its days instead', {
      accountId,
      problem: parsed.error.message,
    });
    return { readTime };
  }
  const { builtAt: _builtAt, ...counts } = parsed.value;
  const inside = new Set(windowDays.slice(0, -1));
  return counts.days.every((day) => inside.has(day)) ? { counts, readTime } : { readTime };
}

/**
 * The report's auditLogSummary, read from rollups only: the window document summing the closed
 * days (compaction.ts), the compacted document of each day it does not cover, and the shards of
 * the days without one (today, and a day a late event reopened). In steady state that is one
 * window, one day and today's shards, whatever the number of events or actors; without a window
 * document, one document per closed day. Top actors come from the same counters, with no
 * per-actor lookups.
 */
export async function summarizeAuditLog(
  db: Firestore,
  accountId: string,
  now: Date,
  windowDays = 30,
): Promise<AuditLogSummary> {
  const { start, end } = summaryWindow(now, windowDays);
  const context = { accountId, purpose: 'audit summary' };
  const days = utcDaysFrom(start, end);
  const window = await readAuditWindow(db, accountId, days);
  const covered = new Set(window.counts?.days);
  // Today is never compacted; its document is not read.
  const uncoveredClosed = days.slice(0, -1).filter((day) => !covered.has(day));
  const daySnapshots =
    uncoveredClosed.length === 0
      ? []
      : await db.getAll(...uncoveredClosed.map((day) => dayRef(db, accountId, day)));
  const compacted = parseSnapshot(
    auditDaySchema,
    daySnapshots.filter((snapshot) => snapshot.exists),
    context,
  );
  const compactedDays = new Set(compacted.docs.map((doc) => doc.value.day));
  const openDays = days.filter((day) => !covered.has(day) && !compactedDays.has(day));
  const shards = db.collection(subcollectionPath(accountId, 'auditRollups'));
  const shardSnapshots = await Promise.all(
    chunks(openDays, IN_FILTER_LIMIT).map((chunk) => shards.where('day', 'in', chunk).get()),
  );
  const open = parseSnapshot(
    rollupShardSchema,
    shardSnapshots.flatMap((snapshot) => snapshot.docs),
    context,
  );
  // Oldest first, as a sum over the days themselves would take them (the first email seen of an
  // actor is kept). A malformed document is left out of the sums and counted in
  // `malformedRollups`.
  const compactedCounts = compacted.docs.map((doc) => doc.value);
  const firstCovered = window.counts?.days[0] ?? '';
  const parts: SummaryPart[] = [
    ...compactedCounts.filter(({ day }) => day < firstCovered),
    ...(window.counts ? [window.counts] : []),
    ...compactedCounts.filter(({ day }) => day >= firstCovered),
    ...open.docs.map((doc) => doc.value),
  ];
  const totals = sumRollups(parts);
  const readTimes = [
    window.readTime,
    ...daySnapshots.map((s) => s.readTime.toMillis()),
    ...shardSnapshots.map((s) => s.readTime.toMillis()),
  ];
  return {
    windowDays,
    windowStart: start.toISOString(),
    windowEnd: end.toISOString(),
    total: totals.total,
    byAction: totals.byAction,
    byResult: totals.byResult,
    malformed: totals.malformed,
    topActors: topActors(totals.actors, TOP_ACTORS),
    approximateTopActors: totals.actorsOverflow > 0,
    actorsOverflow: totals.actorsOverflow,
    malformedRollups: compacted.malformed.length + open.malformed.length,
    source: 'rollups',
    // The earliest read: every rollup applied before it is in the sums.
    asOf: new Date(Math.min(...readTimes)).toISOString(),
    // A document looked up is billed whether or not it exists; an empty query as one read.
    documentReads:
      1 +
      daySnapshots.length +
      shardSnapshots.map((s) => Math.max(s.size, 1)).reduce((a, b) => a + b, 0),
  };
}
