/**
 * The demo's access-review campaigns (CONTRACT §9): one signed off last quarter whose revocation
 * was carried out (remediated), and one open this quarter with a revocation decided but not yet
 * carried out. The frozen access is the access review section's own computation over the seeded
 * documents, so the demo shows exactly what `POST /api/access-reviews` would have frozen.
 */
import {
  applyDecision,
  followUpAfterCheck,
  frozenEntry,
} from '../../functions/accessReviews/entries';
import { quarterBefore, quarterContaining, type Quarter } from '../../functions/domain/quarter';
import { addDays, utcDay } from '../../functions/domain/time';
import { computeAccessReview } from '../../functions/report/sections/accessReview';
import type { ParsedCollection } from '../../functions/report/types';
import type { AccessReviewDoc, AccessReviewEntryDoc } from '../../functions/schema/accessReviews';
import { parseSnapshot } from '../../functions/schema/common';
import {
  apiKeySchema,
  departmentSchema,
  memberSchema,
  resourceSchema,
} from '../../functions/schema/documents';
import type { IdentityFacts } from '../../functions/schema/evidence';
import {
  accessReviewEntriesPath,
  accountDocPath,
  subcollectionPath,
} from '../../functions/schema/paths';
import type { AuthUserInput, SeedDoc } from './builders';

/** Who decides and what, by uid: every other entry is kept. */
export interface DemoReviewPlan {
  owner: string;
  admin: string;
  /** Revoked last quarter and carried out (a disabled member in the seed). */
  revokedLastQuarter: string;
  /** Revoked in this quarter's open review, not carried out (an active member). */
  revokedThisQuarter: string;
}

/** The seeded documents of one collection, parsed as the report would read them. */
function collectionOf<T>(
  docs: readonly SeedDoc[],
  prefix: string,
  schema: { safeParse(data: unknown): { success: boolean } },
): ParsedCollection<T> {
  const stored = docs
    .filter(
      (d) => d.path.startsWith(`${prefix}/`) && !d.path.slice(prefix.length + 1).includes('/'),
    )
    .map((d) => ({
      id: d.path.slice(prefix.length + 1),
      ref: { path: d.path },
      data: () => d.data,
    }));
  const { docs: parsed } = parseSnapshot(schema as never, stored, { purpose: 'demo seed' });
  return { docs: parsed as { id: string; value: T }[], malformed: [] };
}

/** Identity facts as Firebase Auth reports them for the seeded users. */
function identitiesOf(users: readonly AuthUserInput[]): Map<string, IdentityFacts> {
  return new Map(
    users.map((u) => [
      u.uid,
      {
        disabled: u.disabled ?? false,
        emailVerified: u.emailVerified ?? false,
        mfaEnrolled: (u.mfaPhoneNumbers ?? []).length > 0,
        mfaFactors: (u.mfaPhoneNumbers ?? []).length > 0 ? ['phone'] : [],
        lastSignInAt: null,
        providers: ['password'],
      },
    ]),
  );
}

function reviewDocs(
  accountId: string,
  reviewId: string,
  review: AccessReviewDoc,
  entries: readonly AccessReviewEntryDoc[],
): SeedDoc[] {
  return [
    { path: accountDocPath(accountId, 'accessReviews', reviewId), data: review },
    ...entries.map((entry) => ({
      path: `${accessReviewEntriesPath(accountId, reviewId)}/${entry.subjectId}`,
      data: entry as unknown as Record<string, unknown>,
    })),
  ];
}

export function demoAccessReviews(
  accountId: string,
  docs: readonly SeedDoc[],
  authUsers: readonly AuthUserInput[],
  plan: DemoReviewPlan,
  now: Date,
): SeedDoc[] {
  const collection = (name: Parameters<typeof subcollectionPath>[1]) =>
    subcollectionPath(accountId, name);
  const access = computeAccessReview({
    members: collectionOf(docs, collection('members'), memberSchema),
    departments: collectionOf(docs, collection('departments'), departmentSchema),
    resources: collectionOf(docs, collection('resources'), resourceSchema),
    apiKeys: collectionOf(docs, collection('apiKeys'), apiKeySchema),
    identities: identitiesOf(authUsers),
    recentAccessChanges: { changes: [], malformed: [] },
    now,
  });
  /** A campaign of `quarter`, frozen at `createdAt` by the admin, due on its last day. */
  const campaign = (
    quarter: Quarter,
    createdAt: Date,
    entries: readonly AccessReviewEntryDoc[],
    outcome: Pick<AccessReviewDoc, 'state' | 'signOff' | 'followUp'>,
  ): AccessReviewDoc => ({
    title: `Access review ${quarter.id}`,
    dueDate: utcDay(addDays(quarter.end, -1)),
    createdAt,
    createdBy: plan.admin,
    entryCount: entries.length,
    undecided: entries.filter((e) => e.decision === null).length,
    apiKeys: access.apiKeys,
    malformedDocuments: [],
    ...outcome,
  });
  const thisQuarter = quarterContaining(now);
  const lastQuarter = quarterBefore(thisQuarter);

  // Last quarter: frozen on day 30, decided over a week, signed off on day 45.
  const frozenAt = addDays(lastQuarter.start, 30);
  const signedOffAt = addDays(lastQuarter.start, 45);
  const closed = access.members.map((member, i) => {
    const reviewer = member.uid === plan.owner ? plan.admin : plan.owner;
    const revoke = member.uid === plan.revokedLastQuarter;
    const decided = applyDecision(
      frozenEntry(accountId, `review-${lastQuarter.id}`, member),
      revoke
        ? { decision: 'revoke', justification: 'Left the sales team; no longer needs access.' }
        : { decision: 'keep', justification: 'Access matches the role.' },
      { uid: revoke ? plan.admin : reviewer },
      addDays(frozenAt, 1 + (i % 7)),
    );
    if (!revoke || !decided.decision) return decided;
    // Disabled two days after the sign-off, when the follow-up saw it.
    const carriedOutAt = addDays(signedOffAt, 2);
    return {
      ...decided,
      followUp: followUpAfterCheck(null, decided.decision, { disabled: true }, carriedOutAt),
    };
  });
  const signedOff = campaign(lastQuarter, frozenAt, closed, {
    state: 'signed_off',
    signOff: {
      signedOffBy: plan.owner,
      signedOffAt,
      statement:
        'Every member and API key was reviewed; the one revocation is tracked to completion.',
    },
    followUp: { outstanding: 0, remediated: 1 },
  });

  // This quarter: frozen at most five days ago, a few decisions so far, due on the quarter's last day.
  const openedAt = new Date(Math.max(thisQuarter.start.getTime(), addDays(now, -5).getTime()));
  const open = access.members.map((member, i) => {
    const entry = frozenEntry(accountId, `review-${thisQuarter.id}`, member);
    if (member.uid === plan.revokedThisQuarter) {
      return applyDecision(
        entry,
        { decision: 'revoke', justification: 'Viewer seat unused since the sales reorganisation.' },
        { uid: plan.admin },
        openedAt,
      );
    }
    return i % 3 === 0 && member.uid !== plan.admin
      ? applyDecision(
          entry,
          { decision: 'keep', justification: 'Still needed.' },
          { uid: plan.admin },
          openedAt,
        )
      : entry;
  });
  const stillOpen = campaign(thisQuarter, openedAt, open, {
    state: 'open',
    signOff: null,
    followUp: { outstanding: 0, remediated: 0 },
  });
  return [
    ...reviewDocs(accountId, `review-${lastQuarter.id}`, signedOff, closed),
    ...reviewDocs(accountId, `review-${thisQuarter.id}`, stillOpen, open),
  ];
}
