import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import { forEachAccount } from '../domain/eachAccount';
import { addDays, HOUR_MS, utcDaysFrom } from '../domain/time';
import { auditDaySchema, auditWindowSchema, rollupShardSchema } from '../schema/audit';
import { parseDocument, parseSnapshot } from '../schema/common';
import { accountDocPath, AUDIT_WINDOW_DOC, subcollectionPath } from '../schema/paths';
import { buildAccessRecent } from './accessRecent';
import { mergeDay, mergeWindow } from './rollupMath';

/**
 * A day is compacted only this long after it ended. A rollup trigger that started before the day
 * ended (and so does not delete the compacted day, see rollupPlan.ts `reopensDay`) has committed
 * long before: functions time out after minutes.
 */
export const COMPACTION_DELAY_MS = HOUR_MS;

/**
 * Compacted day documents stay well under Firestore's 1 MiB: a day with more actors than fit
 * keeps being read from its shards (still exact, ten reads instead of one).
 */
export const MAX_COMPACTED_BYTES = 800_000;

/** The closed UTC days of the last `windowDays` days (today included in the count), oldest first. */
export function closedDays(now: Date, windowDays: number): string[] {
  // Day D is closed once now ≥ end of D + delay, i.e. D starts at or before now − delay − 1 day.
  const lastClosed = addDays(new Date(now.getTime() - COMPACTION_DELAY_MS), -1);
  return utcDaysFrom(addDays(now, -(windowDays - 1)), lastClosed);
}

export function dayRef(db: Firestore, accountId: string, day: string) {
  return db.doc(accountDocPath(accountId, 'auditDays', day));
}

export type CompactionOutcome = 'compacted' | 'malformed_shards' | 'too_large';

/**
 * Sums one closed day's shards into `auditDays/{day}`, in a transaction that also reads the day
 * document: a late event's batch (shard increment + delete of the day document) then either
 * lands before the shards are read, or waits and deletes the document written here. Idempotent:
 * the same shards give the same document.
 */
export async function compactDay(
  db: Firestore,
  accountId: string,
  day: string,
): Promise<CompactionOutcome> {
  const compactedRef = dayRef(db, accountId, day);
  const shardsQuery = db
    .collection(subcollectionPath(accountId, 'auditRollups'))
    .where('day', '==', day);
  return db.runTransaction(async (tx) => {
    await tx.get(compactedRef);
    const snapshot = await tx.get(shardsQuery);
    const { docs, malformed } = parseSnapshot(rollupShardSchema, snapshot.docs, {
      accountId,
      purpose: 'audit compaction',
    });
    // A malformed shard must stay visible to the summary (it counts it in `malformedRollups`).
    if (malformed.length > 0) return 'malformed_shards';
    const counts = mergeDay(
      day,
      docs.map((doc) => doc.value),
    );
    if (Buffer.byteLength(JSON.stringify(counts)) > MAX_COMPACTED_BYTES) return 'too_large';
    tx.set(compactedRef, {
      ...counts,
      shards: docs.length,
      compactedAt: FieldValue.serverTimestamp(),
    });
    return 'compacted';
  });
}

export function auditWindowRef(db: Firestore, accountId: string) {
  return db.doc(accountDocPath(accountId, 'auditWindow', AUDIT_WINDOW_DOC));
}

/**
 * The days `auditWindow/closedDays` covers: the closed days of the window but its first. The
 * window moves at midnight; leaving its first day out keeps a document built the day before
 * inside the next day's window (summary.ts), until the hourly job builds the next one.
 */
export function auditWindowDays(now: Date, windowDays: number): string[] {
  return closedDays(now, windowDays - 1);
}

/**
 * Sums the compacted documents of `auditWindowDays` into `auditWindow/closedDays`, in a
 * transaction reading each of them: a late event's batch (which deletes its day's document and
 * this one) lands either before the read (its day is left out, and read from its shards by the
 * summary) or after the write (and deletes it). Days without a well-formed compacted document are
 * left out; the summary reads them on their own. Skipped while the stored document already covers
 * exactly these days: it exists only while no late event came since it was built. Returns whether
 * it was written.
 */
export async function refreshAuditWindow(
  db: Firestore,
  accountId: string,
  now: Date,
  windowDays = 30,
): Promise<boolean> {
  const days = auditWindowDays(now, windowDays);
  const windowRef = auditWindowRef(db, accountId);
  const stored = await windowRef.get();
  const current = stored.exists && parseDocument(auditWindowSchema, windowRef.path, stored.data());
  if (current && current.ok && current.value.days.join() === days.join()) return false;
  const context = { accountId, purpose: 'audit window' };
  return db.runTransaction(async (tx) => {
    const snapshots =
      days.length === 0 ? [] : await tx.getAll(...days.map((day) => dayRef(db, accountId, day)));
    const { docs } = parseSnapshot(
      auditDaySchema,
      snapshots.filter((s) => s.exists),
      context,
    );
    const window = mergeWindow(docs.map((doc) => doc.value));
    if (docs.length === 0 || Buffer.byteLength(JSON.stringify(window)) > MAX_COMPACTED_BYTES) {
      tx.delete(windowRef);
      return false;
    }
    tx.set(windowRef, { ...window, builtAt: FieldValue.serverTimestamp() });
    return true;
  });
}

/**
 * Compacts every closed day of the window that has no compacted document yet (new days, and days
 * a late event reopened), then refreshes the window document. Returns the days compacted.
 */
export async function compactAccount(
  db: Firestore,
  accountId: string,
  now: Date,
  windowDays = 30,
): Promise<string[]> {
  const days = closedDays(now, windowDays);
  if (days.length === 0) return [];
  const existing = await db
    .collection(subcollectionPath(accountId, 'auditDays'))
    .where('day', '>=', days[0])
    .where('day', '<=', days[days.length - 1])
    .select()
    .get();
  const done = new Set(existing.docs.map((doc) => doc.id));
  const compacted: string[] = [];
  for (const day of days.filter((d) => !done.has(d))) {
    const outcome = await compactDay(db, accountId, day);
    if (outcome === 'compacted') compacted.push(day);
    else logger.info('audit day left in its shards', { accountId, day, outcome });
  }
  await refreshAuditWindow(db, accountId, now, windowDays);
  return compacted;
}

/**
 * Compacts every account, and builds the accessRecent digest of accounts that have none yet (one
 * read for those that have); one account's failure does not stop the others.
 */
export async function compactAllAccounts(
  db: Firestore,
  now: Date,
): Promise<{ compactedDays: number; builtAccessDigests: number; failed: string[] }> {
  let compactedDays = 0;
  let builtAccessDigests = 0;
  const failed = await forEachAccount(db, 'audit compaction', async (accountId) => {
    compactedDays += (await compactAccount(db, accountId, now)).length;
    if (await buildAccessRecent(db, accountId)) builtAccessDigests++;
  });
  return { compactedDays, builtAccessDigests, failed };
}
