import type { QueryDocumentSnapshot } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import type { FirestoreEvent } from 'firebase-functions/v2/firestore';
import { defaultDeps, type Deps } from '../app/deps';
import { applyRollup } from '../audit/rollup';
import { planRollup } from '../audit/rollupPlan';

export type AuditLogCreatedEvent = FirestoreEvent<
  QueryDocumentSnapshot | undefined,
  { accountId: string; eventId: string }
>;

/** `accounts/{accountId}/auditLogs/{eventId}` created → count it in its day's rollup shard. */
export function makeAuditRollupHandler(deps: () => Pick<Deps, 'db' | 'now'> = defaultDeps) {
  return async (event: AuditLogCreatedEvent): Promise<void> => {
    const { accountId, eventId } = event.params;
    const { db, now } = deps();
    const plan = planRollup({
      accountId,
      eventId,
      deliveryId: event.id,
      data: event.data?.data() ?? {},
      arrivedAt: new Date(event.time),
      appliedAt: now(),
    });
    if (plan.problem) {
      logger.warn('malformed audit event counted as malformed', {
        accountId,
        eventId,
        problem: plan.problem,
      });
    }
    const outcome = await applyRollup(db, accountId, plan);
    if (outcome === 'counted_without_actor') {
      logger.warn('audit rollup shard at its size bound; actor counted as overflow', {
        accountId,
        rollup: plan.docId,
      });
    } else if (outcome === 'duplicate') {
      logger.info('duplicate audit event delivery ignored', {
        accountId,
        eventId,
        deliveryId: event.id,
      });
    }
  };
}
