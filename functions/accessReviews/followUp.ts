import { FieldValue, type DocumentReference, type Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import { parseDocument } from '../schema/common';
import {
  accessReviewEntryDocSchema,
  DECISIONS_FOLLOWED_UP,
  type FollowUpState,
} from '../schema/accessReviews';
import { ACCESS_REVIEW_ENTRIES, accessReviewEntriesPath, accountDocPath } from '../schema/paths';
import { followUpAfterCheck, needsFollowUp } from './entries';

/**
 * Follow-up of signed-off revoke and change_role decisions against the live member document
 * (CONTRACT §9): checked once for every such entry at sign-off, then again on every write of that
 * member (the member trigger), never by polling. Each check is one transaction over the entry and
 * the member document, so a member write racing a check is seen by one of the two.
 */

/** Follow-up checks run at most this many at a time (each is one small transaction). */
const CHECK_CONCURRENCY = 20;

const counterField = (state: FollowUpState) => `followUp.${state}`;

/**
 * Checks one entry against the live member document at `at`; keeps the review's follow-up
 * counters in step. Returns the entry's follow-up state, or null when it needs none.
 */
async function checkEntry(
  db: Firestore,
  entryRef: DocumentReference,
  at: Date,
): Promise<FollowUpState | null> {
  return db.runTransaction(async (tx) => {
    const entrySnap = await tx.get(entryRef);
    const parsed = parseDocument(accessReviewEntryDocSchema, entryRef.path, entrySnap.data());
    if (!parsed.ok) {
      logger.error('malformed access review entry not followed up', {
        path: entryRef.path,
        problem: parsed.error.message,
      });
      return null;
    }
    const entry = parsed.value;
    if (!needsFollowUp(entry.decision)) return null;
    const memberRef = db.doc(accountDocPath(entry.accountId, 'members', entry.subjectId));
    const member = (await tx.get(memberRef)).data();
    const before = entry.followUp?.state ?? null;
    const next = followUpAfterCheck(entry.followUp, entry.decision, member, at);
    tx.update(entryRef, { followUp: next });
    if (before !== next.state) {
      const reviewRef = entryRef.parent.parent as DocumentReference;
      tx.update(reviewRef, {
        [counterField(next.state)]: FieldValue.increment(1),
        ...(before ? { [counterField(before)]: FieldValue.increment(-1) } : {}),
      });
    }
    return next.state;
  });
}

async function checkAll(db: Firestore, refs: readonly DocumentReference[], at: Date) {
  const states: (FollowUpState | null)[] = [];
  for (let i = 0; i < refs.length; i += CHECK_CONCURRENCY) {
    const chunk = refs.slice(i, i + CHECK_CONCURRENCY);
    states.push(...(await Promise.all(chunk.map((ref) => checkEntry(db, ref, at)))));
  }
  return states;
}

/** At sign-off: every revoke and change_role entry of the review gets its first follow-up. */
export async function followUpReview(db: Firestore, accountId: string, reviewId: string, at: Date) {
  const entries = await db
    .collection(accessReviewEntriesPath(accountId, reviewId))
    .where('decision.decision', 'in', [...DECISIONS_FOLLOWED_UP])
    .get();
  return checkAll(
    db,
    entries.docs.map((d) => d.ref),
    at,
  );
}

/**
 * After a write of member `uid`: that member's outstanding entries, across the account's reviews,
 * are checked again. One collection-group query on the entries' own fields (indexed in
 * firestore.indexes.json) reads only those entries, however many reviews and members there are.
 */
export async function followUpMember(db: Firestore, accountId: string, uid: string, at: Date) {
  const outstanding = await db
    .collectionGroup(ACCESS_REVIEW_ENTRIES)
    .where('accountId', '==', accountId)
    .where('subjectId', '==', uid)
    .where('followUp.state', '==', 'outstanding')
    .get();
  return checkAll(
    db,
    outstanding.docs.map((d) => d.ref),
    at,
  );
}

/** The review's entries still outstanding, with the decision each waits for. */
export async function outstandingEntries(db: Firestore, accountId: string, reviewId: string) {
  const snapshot = await db
    .collection(accessReviewEntriesPath(accountId, reviewId))
    .where('followUp.state', '==', 'outstanding')
    .get();
  return snapshot.docs.map((d) => ({
    subjectId: d.id,
    decision: String(d.get('decision.decision')),
  }));
}
