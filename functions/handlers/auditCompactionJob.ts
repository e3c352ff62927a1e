import * as logger from 'firebase-functions/logger';
import type { ScheduledEvent } from 'firebase-functions/v2/scheduler';
import { defaultDeps, type Deps } from '../app/deps';
import { compactAllAccounts } from '../audit/compaction';
import { repairResourceDigests } from '../report/resourceDigest';

/**
 * Hourly: each account's closed audit days (and days a late event reopened) compacted, and the
 * resource digest repaired where it does not match the resources, and the access-change digest
 * built for accounts that have none. */
export function makeAuditCompactionHandler(deps: () => Pick<Deps, 'db' | 'now'> = defaultDeps) {
  return async (_event: ScheduledEvent): Promise<void> => {
    const { db, now } = deps();
    const { compactedDays, builtAccessDigests, failed } = await compactAllAccounts(db, now());
    // Failed accounts keep being summarized from their shards, and their access changes read from
    // the raw history (exact, more reads), until a later run succeeds.
    logger.info('audit compaction run finished', { compactedDays, builtAccessDigests, failed });
    // Until its digest matches, an account's reports read every resource (exact, more reads).
    const digests = await repairResourceDigests(db);
    logger.info('resource digests repaired', digests);
  };
}
