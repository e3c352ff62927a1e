import type { Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import type { ScheduledEvent } from 'firebase-functions/v2/scheduler';
import { defaultDeps, type Deps } from '../app/deps';
import { enterpriseAccounts } from '../bundle/schedule';
import { DEFAULT_CONTROL_TEST_CONFIG } from '../compliance/controlTests';
import { evaluateAccountsDaily } from '../compliance/daily';

/** Daily: evaluate every enterprise account's controls; automatic findings open and close. */
export function makeDailyControlEvaluationHandler(
  deps: () => Deps = defaultDeps,
  accounts: (db: Firestore) => AsyncIterable<string> = enterpriseAccounts,
) {
  return async (_event: ScheduledEvent): Promise<void> => {
    const resolved = deps();
    const outcome = await evaluateAccountsDaily(
      resolved,
      accounts(resolved.db),
      DEFAULT_CONTROL_TEST_CONFIG,
    );
    logger.info('daily control evaluation finished', {
      evaluated: outcome.evaluated,
      failed: outcome.failed.length,
      failedAccounts: outcome.failed.map((f) => f.accountId),
      statuses: outcome.statuses,
    });
    // Not thrown: a scheduler retry would re-run every account; tomorrow's run retries the failed.
  };
}
