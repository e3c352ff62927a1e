import type { Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import { withDeadline } from '../domain/deadline';
import { addDays, startOfUtcDay, utcDay } from '../domain/time';
import { rollupShardSchema, type AuditLogSummary } from '../schema/audit';
import { parseSnapshot, timestamp } from '../schema/common';
import { subcollectionPath } from '../schema/paths';
import { sumRollups, topActors } from './rollupMath';

const TOP_ACTORS = 10;

/**
 * Budget for the top actors' exact latest-activity lookups. They only refine `lastActiveDay`
 * (from the rollups) to a timestamp, so they must never cost the section its own deadline: where
 * the index is missing or slow (the emulator scans), the summary keeps the day and says so.
 */
export const LATEST_ACTIVITY_BUDGET_MS = 2_000;

/**
 * The window covers whole UTC days (rollups are per day): today and the `windowDays - 1` days
 * before it.
 */
export function summaryWindow(now: Date, windowDays: number): { start: Date; end: Date } {
  return { start: addDays(startOfUtcDay(now), -(windowDays - 1)), end: now };
}

/**
 * The report's auditLogSummary, read from rollups only: one range query over the window's shard
 * documents (≤ days × shards reads) plus one indexed read per top actor for its latest activity.
 * Cost does not grow with the number of events.
 */
export async function summarizeAuditLog(
  db: Firestore,
  accountId: string,
  now: Date,
  windowDays = 30,
  latestActivityBudgetMs = LATEST_ACTIVITY_BUDGET_MS,
): Promise<AuditLogSummary> {
  const { start, end } = summaryWindow(now, windowDays);
  const snapshot = await db
    .collection(subcollectionPath(accountId, 'auditRollups'))
    .where('day', '>=', utcDay(start))
    .where('day', '<=', utcDay(end))
    .get();
  // A malformed rollup is left out of the sums and counted in `malformedRollups`.
  const rollups = parseSnapshot(rollupShardSchema, snapshot.docs, {
    accountId,
    purpose: 'audit summary',
  });
  const shards = rollups.docs.map((doc) => doc.value);
  const totals = sumRollups(shards);
  const top = topActors(totals.actors, TOP_ACTORS);
  // Latest activity is a maximum, which blind increments cannot keep exactly under out-of-order
  // delivery; the (actorId, timestamp desc) index answers it exactly with one read per actor.
  const latest = await withDeadline(
    Promise.all(top.map((actor) => latestActivity(db, accountId, actor.actorId, end))),
    latestActivityBudgetMs,
    () => new Error(`latest-activity lookups took over ${latestActivityBudgetMs} ms`),
  ).catch((error: Error) => {
    logger.warn('top actors keep their latest active day only', {
      accountId,
      reason: error.message,
    });
    return top.map(() => undefined);
  });
  return {
    windowDays,
    windowStart: start.toISOString(),
    windowEnd: end.toISOString(),
    total: totals.total,
    byAction: totals.byAction,
    byResult: totals.byResult,
    malformed: totals.malformed,
    topActors: top.map((actor, i) => ({
      ...actor,
      ...(latest[i] ? { lastActivityAt: latest[i].toISOString() } : {}),
    })),
    approximateTopActors: totals.actorsOverflow > 0,
    actorsOverflow: totals.actorsOverflow,
    malformedRollups: rollups.malformed.length,
    source: 'rollups',
    documentReads: snapshot.size + latest.filter(Boolean).length,
  };
}

async function latestActivity(
  db: Firestore,
  accountId: string,
  actorId: string,
  notAfter: Date,
): Promise<Date | undefined> {
  const snapshot = await db
    .collection(subcollectionPath(accountId, 'auditLogs'))
    .where('actorId', '==', actorId)
    .where('timestamp', '<=', notAfter)
    .orderBy('timestamp', 'desc')
    .limit(1)
    .get();
  const parsed = timestamp.safeParse(snapshot.docs[0]?.get('timestamp'));
  return parsed.success ? parsed.data : undefined;
}
