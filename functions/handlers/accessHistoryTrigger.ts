import type { DocumentSnapshot } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import type { Change, FirestoreEvent } from 'firebase-functions/v2/firestore';
import { defaultDeps, type Deps } from '../app/deps';
import { accessChangeFor, memberProblem } from '../audit/accessHistory';
import { recordAccessChangeWithDigest } from '../audit/accessRecent';
import { deliveryDocId } from '../audit/keys';

export const ACCESS_HISTORY_FUNCTION = 'memberAccessHistory';

export type MemberWrittenEvent = FirestoreEvent<
  Change<DocumentSnapshot> | undefined,
  { accountId: string; uid: string }
>;

/**
 * `accounts/{accountId}/members/{uid}` written → record a role or department change (and merge it
 * into the accessRecent digest).
 */
export function makeAccessHistoryHandler(deps: () => Pick<Deps, 'db'> = defaultDeps) {
  return async (event: MemberWrittenEvent): Promise<void> => {
    const { accountId, uid } = event.params;
    const before = event.data?.before.exists ? event.data.before.data() : undefined;
    const after = event.data?.after.exists ? event.data.after.data() : undefined;
    const problem = memberProblem(`accounts/${accountId}/members/${uid}`, after);
    if (problem)
      logger.warn('malformed member document; access change recorded as far as readable', {
        accountId,
        uid,
        problem,
      });
    // The write's commit time orders changes exactly; the CloudEvent time is only dispatch time.
    // A deletion has no commit time on the snapshot, so it falls back to the event's.
    const changedAt = event.data?.after.updateTime?.toDate() ?? new Date(event.time);
    const change = accessChangeFor(uid, before, after, changedAt);
    if (!change) return;
    const recorded = await recordAccessChangeWithDigest(
      deps().db,
      accountId,
      deliveryDocId(ACCESS_HISTORY_FUNCTION, event.id),
      change,
    );
    if (!recorded)
      logger.info('duplicate member write delivery ignored', {
        accountId,
        uid,
        deliveryId: event.id,
      });
  };
}
