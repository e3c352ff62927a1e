import type { Firestore } from 'firebase-admin/firestore';
import { addDays, startOfUtcDay, utcDay, utcDaysFrom } from '../domain/time';
import {
  auditDaySchema,
  rollupShardSchema,
  type AuditLogSummary,
  type RollupCounts,
} from '../schema/audit';
import { parseSnapshot } from '../schema/common';
import { subcollectionPath } from '../schema/paths';
import { sumRollups, topActors } from './rollupMath';

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

/**
 * The report's auditLogSummary, read from rollups only: the compacted document of each closed day
 * (compaction.ts) and the shards of the days without one (today, and a day a late event
 * reopened), in two queries: about `windowDays` + 10 reads, whatever the number of events or
 * actors. Top actors come from the same counters, with no per-actor lookups.
 */
export async function summarizeAuditLog(
  db: Firestore,
  accountId: string,
  now: Date,
  windowDays = 30,
): Promise<AuditLogSummary> {
  const { start, end } = summaryWindow(now, windowDays);
  const context = { accountId, purpose: 'audit summary' };
  const compactedSnapshot = await db
    .collection(subcollectionPath(accountId, 'auditDays'))
    .where('day', '>=', utcDay(start))
    .where('day', '<=', utcDay(end))
    .get();
  const compacted = parseSnapshot(auditDaySchema, compactedSnapshot.docs, context);
  const compactedDays = new Set(compacted.docs.map((doc) => doc.value.day));
  const openDays = utcDaysFrom(start, end).filter((day) => !compactedDays.has(day));
  const shards = db.collection(subcollectionPath(accountId, 'auditRollups'));
  const shardSnapshots = await Promise.all(
    chunks(openDays, IN_FILTER_LIMIT).map((days) => shards.where('day', 'in', days).get()),
  );
  const open = parseSnapshot(
    rollupShardSchema,
    shardSnapshots.flatMap((snapshot) => snapshot.docs),
    context,
  );
  // A malformed document is left out of the sums and counted in `malformedRollups`.
  const counts: RollupCounts[] = [...compacted.docs, ...open.docs].map((doc) => doc.value);
  const totals = sumRollups(counts);
  const readTimes = [compactedSnapshot, ...shardSnapshots].map((s) => s.readTime.toMillis());
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
    // An empty query is billed as one read.
    documentReads: [compactedSnapshot, ...shardSnapshots]
      .map((s) => Math.max(s.size, 1))
      .reduce((a, b) => a + b, 0),
  };
}
