/**
 * Stored access-review campaigns for tests that need one in a past period (the API stamps the
 * present): a signed-off review whose one entry revoked a member, carried out a day after sign-off.
 */
import {
  applyDecision,
  followUpAfterCheck,
  frozenEntry,
} from '../../functions/accessReviews/entries';
import { addDays, utcDay } from '../../functions/domain/time';
import type { AccessReviewDoc } from '../../functions/schema/accessReviews';
import type { AccessReviewMember } from '../../functions/schema/evidence';
import { accessReviewEntriesPath, accountDocPath } from '../../functions/schema/paths';
import type { SeedDoc } from '../../scripts/seed/builders';

export function frozenMember(uid: string): AccessReviewMember {
  return {
    uid,
    email: `${uid}@example.test`,
    displayName: uid,
    role: 'member',
    level: 10,
    departments: [],
    permissions: [],
    resourceAccess: { recipes: 0, workflows: 0 },
    lastActiveAt: null,
    membershipDisabled: false,
    identity: null,
    flags: [],
  };
}

/** Review `reviewId` created at `createdAt`, signed off 5 days later, revoking `uid` (remediated). */
export function signedOffCampaignDocs(
  accountId: string,
  reviewId: string,
  createdAt: Date,
  uid: string,
): SeedDoc[] {
  const signedOffAt = addDays(createdAt, 5);
  const decided = applyDecision(
    frozenEntry(accountId, reviewId, frozenMember(uid)),
    { decision: 'revoke', justification: 'Left the company.' },
    { uid: 'reviewer' },
    createdAt,
  );
  const entry = {
    ...decided,
    followUp: followUpAfterCheck(null, decided.decision!, undefined, addDays(signedOffAt, 1)),
  };
  const review: AccessReviewDoc = {
    title: `Review ${reviewId}`,
    dueDate: utcDay(signedOffAt),
    state: 'signed_off',
    createdAt,
    createdBy: 'reviewer',
    entryCount: 1,
    undecided: 0,
    apiKeys: {
      total: 0,
      providers: [],
      byStatus: { valid: 0, invalid: 0, revoked: 0 },
      stale: 0,
      staleRule: 'none',
      keys: [],
    },
    malformedDocuments: [],
    signOff: { signedOffBy: 'owner', signedOffAt, statement: 'Reviewed.' },
    followUp: { outstanding: 0, remediated: 1 },
  };
  return [
    { path: accountDocPath(accountId, 'accessReviews', reviewId), data: review },
    { path: `${accessReviewEntriesPath(accountId, reviewId)}/${uid}`, data: entry },
  ];
}
