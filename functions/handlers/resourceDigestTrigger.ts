import type { FirestoreEvent } from 'firebase-functions/v2/firestore';
import { defaultDeps, type Deps } from '../app/deps';
import { refreshDigestedResource } from '../report/resourceDigest';

/** `accounts/{accountId}/resources/{resourceId}` written → that resource's digest entry updated. */
export function makeResourceDigestHandler(deps: () => Pick<Deps, 'db'> = defaultDeps) {
  return async (
    event: FirestoreEvent<unknown, { accountId: string; resourceId: string }>,
  ): Promise<void> => {
    const { accountId, resourceId } = event.params;
    await refreshDigestedResource(deps().db, accountId, resourceId);
  };
}
