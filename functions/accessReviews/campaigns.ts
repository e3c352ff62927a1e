import { randomUUID } from 'node:crypto';
import { FieldPath, type DocumentSnapshot } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import type { z } from 'zod';
import type { Deps } from '../app/deps';
import { recordCallerAction } from '../audit/record';
import type { Caller } from '../domain/caller';
import { failedPrecondition, invalidArgument, notFound, permissionDenied } from '../domain/errors';
import { SECTIONS } from '../report/registry';
import { ReportSources } from '../report/sources';
import {
  accessReviewDocSchema,
  accessReviewEntryDocSchema,
  type AccessReviewDoc,
  type CreateAccessReviewBody,
  type DecideBody,
  type SignOffBody,
} from '../schema/accessReviews';
import { listedById, parseDocument, parseSnapshot } from '../schema/common';
import { accessReviewEntriesPath, accountDocPath, subcollectionPath } from '../schema/paths';
import { applyDecision, entryView, frozenEntry, reviewView } from './entries';
import { followUpReview } from './followUp';

/**
 * Access-review campaigns (CONTRACT §9) as reviewers drive them through the API: create freezes
 * the account's access, decisions change one entry each (in a transaction, history kept), sign-off
 * closes the review and starts the follow-up. Every write records its audit event.
 */

/** Firestore's limit of writes per batch. */
const BATCH_LIMIT = 500;
/** Batches committed at once while freezing a large account. */
const BATCH_CONCURRENCY = 4;

const reviewRef = (deps: Pick<Deps, 'db'>, accountId: string, reviewId: string) =>
  deps.db.doc(accountDocPath(accountId, 'accessReviews', reviewId));
const entryRef = (deps: Pick<Deps, 'db'>, accountId: string, reviewId: string, uid: string) =>
  deps.db.doc(`${accessReviewEntriesPath(accountId, reviewId)}/${uid}`);

function audit(
  deps: Deps,
  caller: Caller,
  action: string,
  reviewId: string,
  now: Date,
  details?: {
    description?: string;
    changes?: { field: string; oldValue: unknown; newValue: unknown }[];
  },
) {
  return recordCallerAction(deps.db, caller, {
    timestamp: now,
    action,
    resourceType: 'access_review',
    resourceId: reviewId,
    details,
  });
}

/**
 * A stored review or entry, parsed; 404 when absent, 400 (logged) when malformed, since a change
 * cannot be applied to it safely.
 */
function storedOrRefused<S extends z.ZodType>(
  schema: S,
  snap: DocumentSnapshot,
  what: string,
): z.output<S> {
  if (!snap.exists) throw notFound(`No ${what}.`);
  const parsed = parseDocument(schema, snap.ref.path, snap.data());
  if (parsed.ok) return parsed.value;
  logger.error('malformed access review document', {
    path: snap.ref.path,
    problem: parsed.error.message,
  });
  throw invalidArgument(`The ${what} is stored in an invalid shape and cannot be changed.`);
}

/** Writes documents in batches of at most BATCH_LIMIT, a few batches at a time. */
async function writeInBatches(
  deps: Pick<Deps, 'db'>,
  writes: readonly { path: string; data: FirebaseFirestore.DocumentData }[],
) {
  const chunks: (typeof writes)[] = [];
  for (let i = 0; i < writes.length; i += BATCH_LIMIT)
    chunks.push(writes.slice(i, i + BATCH_LIMIT));
  for (let i = 0; i < chunks.length; i += BATCH_CONCURRENCY) {
    await Promise.all(
      chunks.slice(i, i + BATCH_CONCURRENCY).map((chunk) => {
        const batch = deps.db.batch();
        for (const { path, data } of chunk) batch.create(deps.db.doc(path), data);
        return batch.commit();
      }),
    );
  }
}

/**
 * Freezes the account's access into a new review: the access review section's members (role,
 * level, departments, permissions, identity facts from Firebase Auth) as entries, its API keys on
 * the review. Entries are written first and the review last, so a half-written review is never
 * listed.
 */
export async function createAccessReview(deps: Deps, caller: Caller, body: CreateAccessReviewBody) {
  const now = deps.now();
  const reviewId = randomUUID();
  const access = await SECTIONS.accessReview.compute(
    new ReportSources(deps, caller.accountId, now),
  );
  await writeInBatches(
    deps,
    access.members.map((member) => ({
      path: entryRef(deps, caller.accountId, reviewId, member.uid).path,
      data: frozenEntry(caller.accountId, reviewId, member),
    })),
  );
  const review: AccessReviewDoc = {
    title: body.title,
    dueDate: body.dueDate,
    state: 'open',
    createdAt: now,
    createdBy: caller.uid,
    entryCount: access.members.length,
    undecided: access.members.length,
    apiKeys: access.apiKeys,
    malformedDocuments: access.malformedDocuments,
    signOff: null,
    followUp: { outstanding: 0, remediated: 0 },
  };
  await reviewRef(deps, caller.accountId, reviewId).create(review);
  await audit(deps, caller, 'access_review.create', reviewId, now, {
    description: `${review.entryCount} members and ${review.apiKeys.total} API keys frozen`,
  });
  return reviewView(reviewId, review, now);
}

/** Every review of the account, newest first; malformed ones listed by id, never dropped. */
export async function listAccessReviews(deps: Pick<Deps, 'db' | 'now'>, accountId: string) {
  const snapshot = await deps.db.collection(subcollectionPath(accountId, 'accessReviews')).get();
  const { docs, malformed } = parseSnapshot(accessReviewDocSchema, snapshot.docs, {
    accountId,
    purpose: 'access reviews',
  });
  const now = deps.now();
  return {
    accessReviews: docs
      .map((d) => reviewView(d.id, d.value, now))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    malformed: listedById(malformed),
  };
}

/** One review with a page of its entries, in subject id order. */
export async function getAccessReview(
  deps: Pick<Deps, 'db' | 'now'>,
  accountId: string,
  reviewId: string,
  page: { pageSize: number; pageToken?: string },
) {
  const what = `access review ${reviewId} in account ${accountId}`;
  const review = storedOrRefused(
    accessReviewDocSchema,
    await reviewRef(deps, accountId, reviewId).get(),
    what,
  );
  let query = deps.db
    .collection(accessReviewEntriesPath(accountId, reviewId))
    .orderBy(FieldPath.documentId())
    .limit(page.pageSize + 1);
  if (page.pageToken) query = query.startAfter(page.pageToken);
  const snapshot = await query.get();
  const more = snapshot.docs.length > page.pageSize;
  const { docs, malformed } = parseSnapshot(
    accessReviewEntryDocSchema,
    snapshot.docs.slice(0, page.pageSize),
    { accountId, purpose: 'access review entries' },
  );
  return {
    accessReview: reviewView(reviewId, review, deps.now()),
    entries: docs.map((d) => entryView(d.value)),
    malformedEntries: listedById(malformed),
    nextPageToken: more ? snapshot.docs[page.pageSize - 1].id : null,
  };
}

const refuseClosed = (reviewId: string) =>
  failedPrecondition(`Access review ${reviewId} is signed off; nothing in it changes any more.`);

/**
 * One decision on one entry, in a transaction with the review (a decision never lands after the
 * sign-off, and the undecided count stays exact). A reviewer never decides on their own access.
 */
export async function decideAccessReviewEntry(
  deps: Deps,
  caller: Caller,
  reviewId: string,
  body: DecideBody,
) {
  if (body.subjectId === caller.uid) {
    throw permissionDenied('A reviewer never decides on their own access.');
  }
  const now = deps.now();
  const review = reviewRef(deps, caller.accountId, reviewId);
  const entry = entryRef(deps, caller.accountId, reviewId, body.subjectId);
  const { before, after } = await deps.db.runTransaction(async (tx) => {
    const [reviewSnap, entrySnap] = await tx.getAll(review, entry);
    const current = storedOrRefused(
      accessReviewDocSchema,
      reviewSnap,
      `access review ${reviewId} in account ${caller.accountId}`,
    );
    if (current.state !== 'open') throw refuseClosed(reviewId);
    const stored = storedOrRefused(
      accessReviewEntryDocSchema,
      entrySnap,
      `entry for subject ${body.subjectId} in access review ${reviewId}`,
    );
    const decided = applyDecision(stored, body, caller, now);
    tx.set(entry, decided);
    if (stored.decision === null) tx.update(review, { undecided: current.undecided - 1 });
    return { before: stored, after: decided };
  });
  await audit(deps, caller, 'access_review.decide', reviewId, now, {
    changes: [
      {
        field: `entries.${body.subjectId}.decision`,
        oldValue: before.decision?.decision ?? null,
        newValue: after.decision?.decision,
      },
    ],
  });
  return entryView(after);
}

/**
 * Closes the review (409 while any entry is undecided, or once closed), then gives every revoke
 * and change_role its first follow-up: already carried out before sign-off counts as remediated.
 */
export async function signOffAccessReview(
  deps: Deps,
  caller: Caller,
  reviewId: string,
  body: SignOffBody,
) {
  const now = deps.now();
  const ref = reviewRef(deps, caller.accountId, reviewId);
  await deps.db.runTransaction(async (tx) => {
    const current = storedOrRefused(
      accessReviewDocSchema,
      await tx.get(ref),
      `access review ${reviewId} in account ${caller.accountId}`,
    );
    if (current.state !== 'open') throw refuseClosed(reviewId);
    if (current.undecided > 0) {
      throw failedPrecondition(
        `${current.undecided} of ${current.entryCount} entries are undecided; decide them before signing off.`,
        { undecided: current.undecided },
      );
    }
    tx.update(ref, {
      state: 'signed_off',
      signOff: { signedOffBy: caller.uid, signedOffAt: now, statement: body.statement },
    });
  });
  await audit(deps, caller, 'access_review.sign_off', reviewId, now, {
    description: body.statement,
  });
  await followUpReview(deps.db, caller.accountId, reviewId, now);
  const signed = storedOrRefused(
    accessReviewDocSchema,
    await ref.get(),
    `access review ${reviewId} in account ${caller.accountId}`,
  );
  return reviewView(reviewId, signed, now);
}
