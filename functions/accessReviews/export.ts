import { Timestamp } from 'firebase-admin/firestore';
import type { Deps } from '../app/deps';
import { accessReviewDocSchema, accessReviewEntryDocSchema } from '../schema/accessReviews';
import { listedByPath, parseSnapshot } from '../schema/common';
import { accessReviewEntriesPath, subcollectionPath } from '../schema/paths';
import { entryView, reviewView } from './entries';

/**
 * access-reviews.json of a bundle (CONTRACT §5, §9): every campaign active in the period —
 * created before its end and not signed off before its start — with every entry's frozen access,
 * decision, history and follow-up, and the sign-off. Malformed documents are listed, not dropped.
 */
export async function exportAccessReviewsForPeriod(
  deps: Pick<Deps, 'db' | 'now'>,
  accountId: string,
  start: Date,
  end: Date,
) {
  const context = { accountId, purpose: 'access reviews export' };
  const created = await deps.db
    .collection(subcollectionPath(accountId, 'accessReviews'))
    .where('createdAt', '<', Timestamp.fromDate(end))
    .get();
  const reviews = parseSnapshot(accessReviewDocSchema, created.docs, context);
  const active = reviews.docs
    .filter(({ value }) => !value.signOff || value.signOff.signedOffAt >= start)
    .sort((a, b) => a.value.createdAt.getTime() - b.value.createdAt.getTime());
  const malformed = listedByPath(reviews.malformed);
  const now = deps.now();
  const accessReviews = await Promise.all(
    active.map(async ({ id, value }) => {
      const stored = await deps.db
        .collection(accessReviewEntriesPath(accountId, id))
        .orderBy('subjectId')
        .get();
      const entries = parseSnapshot(accessReviewEntryDocSchema, stored.docs, context);
      malformed.push(...listedByPath(entries.malformed));
      return {
        ...reviewView(id, value, now),
        entries: entries.docs.map((e) => entryView(e.value)),
      };
    }),
  );
  return {
    periodStart: start.toISOString(),
    periodEnd: end.toISOString(),
    accessReviews,
    malformed,
  };
}
export type AccessReviewsExport = Awaited<ReturnType<typeof exportAccessReviewsForPeriod>>;
