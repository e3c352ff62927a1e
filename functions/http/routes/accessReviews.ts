import { z } from 'zod';
import {
  createAccessReview,
  decideAccessReviewEntry,
  getAccessReview,
  listAccessReviews,
  signOffAccessReview,
} from '../../accessReviews/campaigns';
import { utcDay } from '../../domain/time';
import { ACCESS_REVIEW_CREATE_LEVEL, ACCESS_REVIEW_DECIDE_LEVEL } from '../../domain/roles';
import {
  createAccessReviewBodySchema,
  decideBodySchema,
  getAccessReviewQuerySchema,
  signOffBodySchema,
} from '../../schema/accessReviews';
import { accountOnlyQuerySchema } from '../../schema/api';
import { documentId } from '../../schema/common';
import { accountRoute, type Route, type RouteAccess } from '../router';

/** Reading needs `audit:read`; writing also a level (CONTRACT §9). */
const READ: RouteAccess = { permission: 'audit:read' };
const levelTo = (min: number, to: string): RouteAccess => ({ ...READ, level: { min, to } });

/** A write body is validated only after authorization, so outsiders learn nothing from its messages. */
const writeBody = <S extends z.ZodType<{ accountId: string }>>(schema: S | ((now: Date) => S)) =>
  ({ in: 'body', schema, afterAuthorization: true }) as const;

const reviewParams = z.object({ reviewId: documentId });

/** `/api/access-reviews/**`: access-review campaigns (CONTRACT §9). */
export const accessReviewRoutes: Route[] = [
  accountRoute({
    method: 'POST',
    path: '/access-reviews',
    doc: {
      summary: 'Start an access review: freeze every member and API key of the account',
      responses: { 201: { description: 'Created.' } },
    },
    access: levelTo(ACCESS_REVIEW_CREATE_LEVEL, 'start access reviews'),
    input: writeBody((now) => createAccessReviewBodySchema(utcDay(now))),
    handle: async ({ deps, caller, input }) => ({
      status: 201,
      body: await createAccessReview(deps, caller, input),
    }),
  }),
  accountRoute({
    method: 'GET',
    path: '/access-reviews',
    doc: { summary: 'Access reviews, newest first', responses: { 200: { description: 'JSON.' } } },
    access: READ,
    input: { in: 'query', schema: accountOnlyQuerySchema.loose() },
    handle: async ({ deps, caller }) => ({
      body: await listAccessReviews(deps, caller.accountId),
    }),
  }),
  accountRoute({
    method: 'GET',
    path: '/access-reviews/:reviewId',
    doc: {
      summary: 'One access review with a page of its entries and their decisions',
      parameters: {
        pageSize: 'Entries per page: 1 to 500, default 500.',
        pageToken: 'The nextPageToken of the previous page.',
      },
      responses: { 200: { description: 'JSON.' } },
      errors: [404],
    },
    access: READ,
    input: { in: 'query', schema: getAccessReviewQuerySchema, afterAuthorization: true },
    params: reviewParams,
    handle: async ({ deps, caller, params, input }) => ({
      body: await getAccessReview(deps, caller.accountId, params.reviewId, input),
    }),
  }),
  accountRoute({
    method: 'POST',
    path: '/access-reviews/:reviewId/decisions',
    doc: {
      summary: "Decide on one member's access (never one's own)",
      responses: { 200: { description: 'JSON.' } },
      errors: [404, 409],
    },
    access: levelTo(ACCESS_REVIEW_DECIDE_LEVEL, 'decide in access reviews'),
    input: writeBody(decideBodySchema),
    params: reviewParams,
    handle: async ({ deps, caller, params, input }) => ({
      body: await decideAccessReviewEntry(deps, caller, params.reviewId, input),
    }),
  }),
  accountRoute({
    method: 'POST',
    path: '/access-reviews/:reviewId/sign-off',
    doc: {
      summary: 'Sign off an access review once every entry is decided; it is closed afterwards',
      responses: { 200: { description: 'JSON.' } },
      errors: [404, 409],
    },
    access: levelTo(ACCESS_REVIEW_CREATE_LEVEL, 'sign off access reviews'),
    input: writeBody(signOffBodySchema),
    params: reviewParams,
    handle: async ({ deps, caller, params, input }) => ({
      body: await signOffAccessReview(deps, caller, params.reviewId, input),
    }),
  }),
];
