import type { FirestoreEvent } from 'firebase-functions/v2/firestore';
import { defaultDeps, type Deps } from '../app/deps';
import { invalidateAccountCache } from '../report/cache';

/**
 * A write under `accounts/{accountId}/…` that changes evidence (members, departments, resources,
 * API keys, settings) → the account's cached report is dropped, so the next request recomputes.
 * A failed invalidation is logged by the cache layer; the entries then expire on their 5-minute TTL.
 */
export function makeEvidenceCacheInvalidationHandler(
  deps: () => Pick<Deps, 'cache'> = defaultDeps,
) {
  // Every trigger path starts `accounts/{accountId}/`, so the parameter is always there.
  return async (event: FirestoreEvent<unknown, Record<string, string>>): Promise<void> => {
    await invalidateAccountCache(deps(), event.params.accountId);
  };
}
