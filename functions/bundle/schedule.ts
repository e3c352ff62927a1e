import { createHash } from 'node:crypto';
import { FieldPath, type Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import { invalidArgument } from '../domain/errors';
import { archiveTaskSchema, type ArchiveTask } from '../schema/bundle';
import { COLLECTIONS } from '../schema/paths';
import { archivePeriod, type ArchiveDeps, type ArchiveOutcome } from './archive';
import { parseQuarter, previousQuarter } from './period';

/**
 * Quarterly fan-out: the scheduled run only lists enterprise accounts and enqueues one task per
 * account; each task archives one account with its own retries. One account's failure or
 * slowness therefore cannot hold up another's bundle.
 */

/** Puts one archive task on the queue; resolves once it is durably queued (or already was). */
export type ArchiveEnqueuer = (task: ArchiveTask) => Promise<void>;

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

/** Cloud Tasks names allow [A-Za-z0-9_-]; the same account and period always map to one name. */
export function archiveTaskId(task: ArchiveTask): string {
  const account = createHash('sha256').update(task.accountId).digest('hex').slice(0, 32);
  return `archive-${task.periodId}-${account}`;
}

export interface ScheduleResult {
  periodId: string;
  enqueued: number;
  failed: { accountId: string; error: string }[];
}

/** Enqueues the quarter that ended before `now` for every enterprise account. */
export async function scheduleQuarterlyArchives(
  db: Firestore,
  now: Date,
  enqueue: ArchiveEnqueuer,
): Promise<ScheduleResult> {
  const period = previousQuarter(now);
  const result: ScheduleResult = { periodId: period.id, enqueued: 0, failed: [] };
  for await (const accountId of enterpriseAccounts(db)) {
    try {
      await enqueue({ accountId, periodId: period.id });
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

/**
 * One queued task: archive one account's quarter. Idempotent (a redelivery finds the bundle and
 * reports it already archived); any failure is thrown so the queue retries it.
 */
export async function runArchiveTask(deps: ArchiveDeps, data: unknown): Promise<ArchiveOutcome> {
  const parsed = archiveTaskSchema.safeParse(data);
  if (!parsed.success) {
    throw invalidArgument(
      `invalid archive task: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  const { accountId, periodId } = parsed.data;
  const outcome = await archivePeriod(deps, accountId, parseQuarter(periodId));
  logger.info('evidence archive task done', { accountId, periodId, status: outcome.status });
  return outcome;
}
