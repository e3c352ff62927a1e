import * as logger from 'firebase-functions/logger';
import type { ScheduledEvent } from 'firebase-functions/v2/scheduler';
import { defaultDeps, type Deps } from '../app/deps';
import { purgeAllAccounts } from '../audit/retention';

/** Daily: delete audit events past retention that a signed bundle already holds. */
export function makeAuditRetentionHandler(deps: () => Pick<Deps, 'db' | 'now'> = defaultDeps) {
  return async (_event: ScheduledEvent): Promise<void> => {
    const { db, now } = deps();
    const { results, failed } = await purgeAllAccounts(db, now());
    logger.info('audit retention run finished', {
      accounts: results.length + failed.length,
      deleted: results.reduce((sum, r) => sum + ('deleted' in r ? r.deleted : 0), 0),
      refused: results.filter((r) => 'refused' in r).length,
      unfinished: results.filter((r) => 'more' in r && r.more).map((r) => r.accountId),
      failed,
    });
    // Failed accounts are retried by tomorrow's run; nothing here is lost by waiting.
  };
}
