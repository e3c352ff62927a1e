import { FieldPath, type Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import { COLLECTIONS } from '../schema/paths';
import { previousQuarter, type Period } from './period';

/**
 * Quarterly fan-out: the scheduled run only lists enterprise accounts and asks for one bundle per
 * account (a soc2 report job, built by the task queue); each archives one account with its own
 * retries. One account's failure or
 * slowness therefore cannot hold up another's bundle.
 */

/** Asks for one account's bundle of a period; resolves once its build is queued (or was). */
export type ArchiveRequester = (accountId: string, period: Period) => Promise<void>;

const ACCOUNT_PAGE = 500;

/** Enterprise account ids in id order, paged (any number of accounts, bounded memory). */
export async function* enterpriseAccounts(db: Firestore): AsyncGenerator<string> {
  const base = db
    .collection(COLLECTIONS.accounts)
    .where('plan', '==', 'enterprise')
    .orderBy(FieldPath.documentId())
    .select()
    .limit(ACCOUNT_PAGE);
  let after: string | undefined;
  for (;;) {
    const page = await (after === undefined ? base : base.startAfter(after)).get();
    for (const doc of page.docs) yield doc.id;
    if (page.size < ACCOUNT_PAGE) return;
    after = page.docs[page.size - 1].id;
  }
}

export interface ScheduleResult {
  periodId: string;
  enqueued: number;
  failed: { accountId: string; error: string }[];
}

/** Asks for the quarter that ended before `now` for every enterprise account. */
export async function scheduleQuarterlyArchives(
  db: Firestore,
  now: Date,
  request: ArchiveRequester,
): Promise<ScheduleResult> {
  const period = previousQuarter(now);
  const result: ScheduleResult = { periodId: period.id, enqueued: 0, failed: [] };
  for await (const accountId of enterpriseAccounts(db)) {
    try {
      await request(accountId, period);
      result.enqueued++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error('could not enqueue evidence archive task', {
        accountId,
        periodId: period.id,
        error: message,
      });
      result.failed.push({ accountId, error: message });
    }
  }
  logger.info('quarterly evidence archive tasks enqueued', {
    periodId: result.periodId,
    enqueued: result.enqueued,
    failed: result.failed.length,
  });
  return result;
}
