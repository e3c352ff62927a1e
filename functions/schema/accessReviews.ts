import { z } from 'zod';
import { ROLES } from '../domain/roles';
import { accountIdParam, optionalIntegerParam, single } from './api';
import { documentId, timestamp, utcDayString } from './common';
import { TEXT_LIMITS, text } from './compliance';
import { roleSchema } from './documents';
import { accessReviewMemberSchema, apiKeySummarySchema, malformedDocumentSchema } from './evidence';

/**
 * Access-review campaigns (CONTRACT §9): `accounts/{a}/accessReviews/{reviewId}` holds the
 * campaign and the frozen API keys; `…/accessReviews/{reviewId}/entries/{subjectId}` one member's
 * frozen access with its decision, decision history and follow-up (one document per member, so a
 * review of 50,000 members stays far from the 1 MiB document limit).
 */

export const ACCESS_REVIEW_DECISIONS = ['keep', 'revoke', 'change_role'] as const;
export type AccessReviewDecisionKind = (typeof ACCESS_REVIEW_DECISIONS)[number];
/** Decisions that ask for a change to the live member document, followed up after sign-off. */
export const DECISIONS_FOLLOWED_UP: readonly AccessReviewDecisionKind[] = ['revoke', 'change_role'];

export const ACCESS_REVIEW_STATES = ['open', 'signed_off'] as const;
export const FOLLOW_UP_STATES = ['outstanding', 'remediated'] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];

/** Entries `GET /api/access-reviews/{id}` returns per page at most (and by default). */
export const MAX_ENTRIES_PAGE = 500;

// ---------------------------------------------------------------------------------------------
// Stored documents

export const decisionRecordSchema = z.object({
  decision: z.enum(ACCESS_REVIEW_DECISIONS),
  /** The role to change to; null unless `change_role`. */
  newRole: roleSchema.nullable(),
  justification: z.string(),
  decidedBy: z.string(),
  decidedAt: timestamp,
});
export type DecisionRecord = z.output<typeof decisionRecordSchema>;

export const followUpSchema = z.object({
  state: z.enum(FOLLOW_UP_STATES),
  /** When the live member document was found to match the decision; null while outstanding. */
  remediatedAt: timestamp.nullable(),
  checkedAt: timestamp,
});
export type FollowUp = z.output<typeof followUpSchema>;

export const accessReviewEntryDocSchema = z.object({
  /** Repeated from the path so one collection-group query finds a subject's open follow-ups. */
  accountId: z.string(),
  reviewId: z.string(),
  subjectId: z.string(),
  /** The member's access as frozen at creation (the access review section's member row). */
  subject: accessReviewMemberSchema,
  /** The current decision; null while undecided. */
  decision: decisionRecordSchema.nullable(),
  /** Every decision taken on this entry, oldest first (the current one last). */
  history: z.array(decisionRecordSchema),
  /** Set at sign-off for `revoke` and `change_role`; null otherwise. */
  followUp: followUpSchema.nullable(),
});
export type AccessReviewEntryDoc = z.output<typeof accessReviewEntryDocSchema>;

export const signOffSchema = z.object({
  signedOffBy: z.string(),
  signedOffAt: timestamp,
  statement: z.string(),
});

export const accessReviewDocSchema = z.object({
  title: z.string(),
  /** YYYY-MM-DD: the day the review is due (UTC). */
  dueDate: utcDayString,
  state: z.enum(ACCESS_REVIEW_STATES),
  createdAt: timestamp,
  createdBy: z.string(),
  /** Entries (members) frozen at creation. */
  entryCount: z.number().int().nonnegative(),
  /** Entries without a decision; sign-off waits for 0. */
  undecided: z.number().int().nonnegative(),
  /** Every API key of the account as frozen at creation. */
  apiKeys: apiKeySummarySchema,
  /** Stored documents that failed their schema at creation, so not reviewed (never dropped silently). */
  malformedDocuments: z.array(malformedDocumentSchema),
  signOff: signOffSchema.nullable(),
  /** Follow-up of revoke and change_role decisions, counted at sign-off and on each remediation. */
  followUp: z.object({
    outstanding: z.number().int().nonnegative(),
    remediated: z.number().int().nonnegative(),
  }),
});
export type AccessReviewDoc = z.output<typeof accessReviewDocSchema>;

// ---------------------------------------------------------------------------------------------
// Request bodies and queries

/** `YYYY-MM-DD` naming a day that exists (not 2026-02-30). */
const isCalendarDay = (day: string) => {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
};

/** Built per request because "past" moves. */
export const createAccessReviewBodySchema = (today: string) =>
  z
    .object({
      accountId: accountIdParam,
      title: text(TEXT_LIMITS.title, 'title'),
      dueDate: utcDayString
        .refine(isCalendarDay, 'dueDate must be a calendar day YYYY-MM-DD')
        .refine((d) => d >= today, `dueDate must not be in the past (today is ${today})`),
    })
    .strict();
export type CreateAccessReviewBody = z.output<ReturnType<typeof createAccessReviewBodySchema>>;

export const decideBodySchema = z
  .object({
    accountId: accountIdParam,
    subjectId: documentId,
    decision: z.enum(ACCESS_REVIEW_DECISIONS, {
      error: () => `decision must be one of ${ACCESS_REVIEW_DECISIONS.join(', ')}`,
    }),
    newRole: z
      .enum(ROLES, { error: () => `newRole must be one of ${ROLES.join(', ')}` })
      .optional(),
    justification: text(TEXT_LIMITS.text, 'justification'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.decision === 'change_role' && body.newRole === undefined) {
      ctx.addIssue({ code: 'custom', path: ['newRole'], message: 'change_role needs newRole' });
    }
    if (body.decision !== 'change_role' && body.newRole !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['newRole'],
        message: 'newRole is only given with change_role',
      });
    }
  });
export type DecideBody = z.output<typeof decideBodySchema>;

export const signOffBodySchema = z
  .object({ accountId: accountIdParam, statement: text(TEXT_LIMITS.text, 'statement') })
  .strict();
export type SignOffBody = z.output<typeof signOffBodySchema>;

export const getAccessReviewQuerySchema = z.object({
  accountId: accountIdParam,
  pageSize: optionalIntegerParam('pageSize', 1, MAX_ENTRIES_PAGE).default(MAX_ENTRIES_PAGE),
  /** The last subjectId of the previous page. */
  pageToken: single('pageToken').pipe(documentId).optional(),
});

// ---------------------------------------------------------------------------------------------
// API views (dates as ISO strings)

const iso = z.iso.datetime();

export const decisionViewSchema = decisionRecordSchema.extend({ decidedAt: iso });
export const followUpViewSchema = followUpSchema.extend({
  remediatedAt: iso.nullable(),
  checkedAt: iso,
});

export const accessReviewEntryViewSchema = z.object({
  subjectId: z.string(),
  subject: accessReviewMemberSchema,
  decision: decisionViewSchema.nullable(),
  history: z.array(decisionViewSchema),
  followUp: followUpViewSchema.nullable(),
});
export type AccessReviewEntryView = z.output<typeof accessReviewEntryViewSchema>;

export const accessReviewViewSchema = accessReviewDocSchema.extend({
  id: z.string(),
  createdAt: iso,
  signOff: signOffSchema.extend({ signedOffAt: iso }).nullable(),
  /** dueDate passed while still open. */
  overdue: z.boolean(),
});
export type AccessReviewView = z.output<typeof accessReviewViewSchema>;
