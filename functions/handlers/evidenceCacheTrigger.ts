import type { FirestoreEvent } from 'firebase-functions/v2/firestore';
import * as logger from 'firebase-functions/logger';
import { defaultDeps, type Deps } from '../app/deps';
import { DEFAULT_CONTROL_TEST_CONFIG } from '../compliance/controlTests';
import { evaluateAccount } from '../compliance/daily';
import { requestEvaluation } from '../compliance/evaluationRequests';
import { invalidateAccountCache } from '../report/cache';

/**
 * A write under `accounts/{accountId}/…` that changes evidence (members, departments, resources,
 * API keys, settings, security data, bundles) → the account's cached report is dropped, so the
 * next request recomputes, and the controls are re-evaluated soon after (coalesced per account).
 * A failed invalidation is logged by the cache layer; the entries then expire on their 5-minute
 * TTL. A failed evaluation is logged; the next write or the daily run evaluates again.
 */
export function makeEvidenceCacheInvalidationHandler(deps: () => Deps = defaultDeps) {
  // Every trigger path starts `accounts/{accountId}/`, so the parameter is always there.
  return async (event: FirestoreEvent<unknown, Record<string, string>>): Promise<void> => {
    const resolved = deps();
    const { accountId } = event.params;
    await invalidateAccountCache(resolved, accountId);
    try {
      await requestEvaluation(resolved, accountId, () =>
        evaluateAccount(resolved, accountId, DEFAULT_CONTROL_TEST_CONFIG),
      );
    } catch (error) {
      logger.error('control evaluation after an evidence write failed', {
        accountId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
}
