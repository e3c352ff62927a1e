import * as logger from 'firebase-functions/logger';
import { defaultDeps, type Deps } from '../app/deps';
import { followUpMember } from '../accessReviews/followUp';
import type { MemberWrittenEvent } from './accessHistoryTrigger';

/**
 * `accounts/{accountId}/members/{uid}` written → that member's outstanding access-review
 * decisions are checked against the document as it now is. Idempotent: a redelivery checks again
 * and finds them remediated already.
 */
export function makeAccessReviewFollowUpHandler(deps: () => Pick<Deps, 'db'> = defaultDeps) {
  return async (event: MemberWrittenEvent): Promise<void> => {
    const { accountId, uid } = event.params;
    // The write's commit time is when the decision was carried out; a deletion has none, so the
    // event's time stands in.
    const at = event.data?.after.updateTime?.toDate() ?? new Date(event.time);
    const states = await followUpMember(deps().db, accountId, uid, at);
    const remediated = states.filter((s) => s === 'remediated').length;
    if (remediated > 0)
      logger.info('access review decisions remediated', { accountId, uid, remediated });
  };
}
