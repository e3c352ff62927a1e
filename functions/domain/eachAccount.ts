import type { Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';

/**
 * Runs `work` for every account in turn, for the scheduled jobs: one account's failure is logged
 * (as `{job} failed for account`) and does not stop the others. Returns the accounts that failed.
 */
export async function forEachAccount(
  db: Firestore,
  job: string,
  work: (accountId: string) => Promise<void>,
): Promise<string[]> {
  const accounts = await db.collection('accounts').select().get();
  const failed: string[] = [];
  for (const account of accounts.docs) {
    try {
      await work(account.id);
    } catch (error) {
      failed.push(account.id);
      logger.error(`${job} failed for account`, {
        accountId: account.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return failed;
}
