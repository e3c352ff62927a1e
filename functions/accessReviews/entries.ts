import type { Caller } from '../domain/caller';
import { utcDay } from '../domain/time';
import {
  DECISIONS_FOLLOWED_UP,
  type AccessReviewDoc,
  type AccessReviewEntryDoc,
  type AccessReviewEntryView,
  type AccessReviewView,
  type DecideBody,
  type DecisionRecord,
  type FollowUp,
} from '../schema/accessReviews';
import type { AccessReviewMember } from '../schema/evidence';

/**
 * The pure part of access reviews: the frozen entry of each member, what a decision does to an
 * entry, and whether the live member document carries out a decision. No Firestore here.
 */

const iso = (date: Date) => date.toISOString();

/** A member's entry as frozen at creation: undecided, nothing to follow up yet. */
export function frozenEntry(
  accountId: string,
  reviewId: string,
  subject: AccessReviewMember,
): AccessReviewEntryDoc {
  return {
    accountId,
    reviewId,
    subjectId: subject.uid,
    subject,
    decision: null,
    history: [],
    followUp: null,
  };
}

/** The entry after `caller` decides; the decision joins the history, earlier ones stay there. */
export function applyDecision(
  entry: AccessReviewEntryDoc,
  body: Pick<DecideBody, 'decision' | 'newRole' | 'justification'>,
  caller: Pick<Caller, 'uid'>,
  now: Date,
): AccessReviewEntryDoc {
  const decision: DecisionRecord = {
    decision: body.decision,
    newRole: body.newRole ?? null,
    justification: body.justification,
    decidedBy: caller.uid,
    decidedAt: now,
  };
  return { ...entry, decision, history: [...entry.history, decision] };
}

/** Whether a decision asks for a change the live member document must show. */
export const needsFollowUp = (decision: DecisionRecord | null): decision is DecisionRecord =>
  decision !== null && DECISIONS_FOLLOWED_UP.includes(decision.decision);

/**
 * Whether the live member document (undefined when deleted) carries out the decision: a revoked
 * member is gone or disabled; a changed role is the new role. Read from the raw fields, so a
 * member document malformed elsewhere is still judged on what matters here.
 */
export function carriedOut(decision: DecisionRecord, member: Record<string, unknown> | undefined) {
  if (decision.decision === 'revoke') return member === undefined || member.disabled === true;
  if (decision.decision === 'change_role') return member?.role === decision.newRole;
  return true;
}

/**
 * The follow-up after checking the live member document at `at`. Remediation is final: an entry
 * once remediated stays so (a later re-grant is a new access decision, not this one undone).
 */
export function followUpAfterCheck(
  current: FollowUp | null,
  decision: DecisionRecord,
  member: Record<string, unknown> | undefined,
  at: Date,
): FollowUp {
  if (current?.state === 'remediated') return current;
  return carriedOut(decision, member)
    ? { state: 'remediated', remediatedAt: at, checkedAt: at }
    : { state: 'outstanding', remediatedAt: null, checkedAt: at };
}

const decisionView = (d: DecisionRecord) => ({ ...d, decidedAt: iso(d.decidedAt) });

export function entryView(entry: AccessReviewEntryDoc): AccessReviewEntryView {
  return {
    subjectId: entry.subjectId,
    subject: entry.subject,
    decision: entry.decision && decisionView(entry.decision),
    history: entry.history.map(decisionView),
    followUp: entry.followUp && {
      state: entry.followUp.state,
      remediatedAt: entry.followUp.remediatedAt && iso(entry.followUp.remediatedAt),
      checkedAt: iso(entry.followUp.checkedAt),
    },
  };
}

/** An open review is overdue once its due day has passed (UTC). */
export const isOverdue = (review: Pick<AccessReviewDoc, 'state' | 'dueDate'>, now: Date) =>
  review.state === 'open' && review.dueDate < utcDay(now);

export function reviewView(id: string, review: AccessReviewDoc, now: Date): AccessReviewView {
  return {
    id,
    ...review,
    createdAt: iso(review.createdAt),
    signOff: review.signOff && { ...review.signOff, signedOffAt: iso(review.signOff.signedOffAt) },
    overdue: isOverdue(review, now),
  };
}

/** Open reviews by due date, for the compliance status and the portal's timeline. */
export function accessReviewsDue(reviews: readonly AccessReviewView[]) {
  const due = reviews
    .filter((r) => r.state === 'open')
    .map(({ id, title, dueDate, overdue }) => ({ id, title, dueDate, overdue }))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  return { due, overdue: due.filter((r) => r.overdue).length };
}
