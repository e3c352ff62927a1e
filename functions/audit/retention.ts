import type { Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import { forEachAccount } from '../domain/eachAccount';
import { archiveCoverageSchema, listArchiveIndex } from '../bundle/archiveIndex';
import { parseDocument } from '../schema/common';
import { complianceSettingsSchema } from '../schema/documents';
import { complianceSettingsPath, subcollectionPath } from '../schema/paths';
import { planPurge, type PurgeWindow } from './retentionPlan';

export interface PurgeLimits {
  /** Most events deleted per account and run; the next run continues. */
  maxDeletes: number;
  /** Events per query and per batched delete (Firestore allows 500 writes a batch). */
  batchSize: number;
}

export const DEFAULT_PURGE_LIMITS: PurgeLimits = { maxDeletes: 5000, batchSize: 500 };

export type PurgeResult =
  { accountId: string; refused: string } | { accountId: string; deleted: number; more: boolean };

/**
 * Deletes the account's audit events that are past retention and held by a signed bundle, in
 * bounded batches. Rollups are never touched, so summaries of purged days stay exact. Refuses to
 * purge when settings are malformed (a misread retention could delete too early).
 */
export async function purgeExpiredAuditEvents(
  db: Firestore,
  accountId: string,
  now: Date,
  limits: PurgeLimits = DEFAULT_PURGE_LIMITS,
): Promise<PurgeResult> {
  const settingsRef = db.doc(complianceSettingsPath(accountId));
  // A malformed index document is left out (and logged): that only shrinks what may be deleted.
  const [settingsSnap, archiveIndex] = await Promise.all([
    settingsRef.get(),
    listArchiveIndex(db, accountId, archiveCoverageSchema),
  ]);
  const settings = parseDocument(
    complianceSettingsSchema,
    settingsRef.path,
    settingsSnap.data() ?? {},
  );
  if (!settings.ok) {
    const refused = 'refusing to purge: compliance settings are malformed';
    logger.error(refused, { accountId, problem: settings.error.message });
    return { accountId, refused };
  }
  const archives = archiveIndex.docs.map((doc) => doc.value);
  const plan = planPurge(now, settings.value.retention, archives);
  if ('refused' in plan) {
    logger.info(plan.refused, { accountId });
    return { accountId, refused: plan.refused };
  }
  let deleted = 0;
  for (const window of plan.windows) {
    const left = limits.maxDeletes - deleted;
    if (left <= 0) return { accountId, deleted, more: true };
    deleted += await deleteWindow(db, accountId, window, left, limits.batchSize);
  }
  return { accountId, deleted, more: deleted >= limits.maxDeletes };
}

async function deleteWindow(
  db: Firestore,
  accountId: string,
  window: PurgeWindow,
  budget: number,
  batchSize: number,
): Promise<number> {
  const query = db
    .collection(subcollectionPath(accountId, 'auditLogs'))
    .where('action', '>=', window.actionFrom)
    .where('action', '<', window.actionTo)
    .where('timestamp', '>=', window.from)
    .where('timestamp', '<', window.to)
    .select();
  let deleted = 0;
  while (deleted < budget) {
    // Deleted documents leave the result set, so each round simply asks again.
    const page = await query.limit(Math.min(batchSize, budget - deleted)).get();
    if (page.empty) break;
    const batch = db.batch();
    for (const doc of page.docs) batch.delete(doc.ref);
    await batch.commit();
    deleted += page.size;
  }
  return deleted;
}

/** Runs retention for every account; one account's failure does not stop the others. */
export async function purgeAllAccounts(
  db: Firestore,
  now: Date,
  limits: PurgeLimits = DEFAULT_PURGE_LIMITS,
): Promise<{ results: PurgeResult[]; failed: string[] }> {
  const results: PurgeResult[] = [];
  const failed = await forEachAccount(db, 'audit retention', async (accountId) => {
    results.push(await purgeExpiredAuditEvents(db, accountId, now, limits));
  });
  return { results, failed };
}
