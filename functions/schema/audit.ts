import { z } from 'zod';
import {
  accountIdParam,
  isoDateTime,
  optionalIntegerParam,
  TIMESTAMP_MAX_SECONDS,
  TIMESTAMP_MIN_SECONDS,
} from './api';
import { documentId, timestamp, utcDayString } from './common';
import { AUDIT_RESULTS, auditLogSchema } from './documents';

/** Shapes of the audit pipeline: recording input, rollups, access history, summary, query API. */

/** What the host product passes to `recordAuditEvent`; the timestamp defaults to server time. */
export const auditEventInputSchema = auditLogSchema.extend({ timestamp: timestamp.optional() });
export type AuditEventInput = z.input<typeof auditEventInputSchema>;

/**
 * The counters of one UTC day's events, or of a part of them. Map keys (actions, actor ids) are
 * stored encoded (functions/audit/keys.ts) and decoded by the reader.
 */
const counter = z.number().int().nonnegative();
export const rollupCountsSchema = z.object({
  /** UTC day of the events' own timestamps, `YYYY-MM-DD`. */
  day: utcDayString,
  /** Every event counted, malformed ones included. */
  total: counter.default(0),
  /** Events whose document failed the audit-log schema (they count in `total` only). */
  malformed: counter.default(0),
  results: z.record(z.string(), counter).default({}),
  actions: z.record(z.string(), counter).default({}),
  actors: z
    .record(z.string(), z.object({ count: counter.default(0), email: z.string().optional() }))
    .default({}),
  /** Events whose actor could not be added to `actors` because the document hit its size bound. */
  actorsOverflow: counter.default(0),
});
export type RollupCounts = z.output<typeof rollupCountsSchema>;

/** One rollup shard document, `accounts/{a}/auditRollups/{day}_{shard}` (see paths.ts). */
export const rollupShardSchema = rollupCountsSchema.extend({
  shard: z.number().int().nonnegative(),
});
export type RollupShard = z.output<typeof rollupShardSchema>;

/**
 * One closed day compacted, `accounts/{a}/auditDays/{day}`: the sum of its shards, so a summary
 * reads one document per closed day. Exists only while it is exact (a late event deletes it).
 */
export const auditDaySchema = rollupCountsSchema.extend({
  /** Shard documents summed. */
  shards: z.number().int().nonnegative(),
  compactedAt: timestamp,
});
export type AuditDay = z.output<typeof auditDaySchema>;

/**
 * The closed days of the summary window summed once more, `accounts/{a}/auditWindow/closedDays`
 * (compaction.ts): a summary reads it and the few days it does not cover instead of one document
 * per day, each carrying that day's actor map. Each actor keeps the latest of `days` it was active.
 * Exists only while exact: a late event deletes it with its day's compacted document.
 */
export const auditWindowSchema = rollupCountsSchema.omit({ day: true, actors: true }).extend({
  /** The compacted days summed, oldest first. */
  days: z.array(utcDayString).min(1),
  actors: z.record(
    z.string(),
    z.object({ count: counter, email: z.string().optional(), lastActiveDay: utcDayString }),
  ),
  builtAt: timestamp,
});
export type AuditWindow = z.output<typeof auditWindowSchema>;
/** What the summary sums of a window document (everything but when it was built). */
export type AuditWindowCounts = Omit<AuditWindow, 'builtAt'>;

export const topActorSchema = z.object({
  actorId: z.string(),
  actorEmail: z.string().optional(),
  /** Events by this actor in the window. */
  count: z.number().int().nonnegative(),
  /** UTC day (`YYYY-MM-DD`) of the actor's latest event in the window, from the rollups. */
  lastActiveDay: utcDayString,
});

/** The report's auditLogSummary data (CONTRACT §4): exact at any volume, built from rollups. */
export const auditLogSummarySchema = z.object({
  windowDays: z.number().int().positive(),
  /** Start of the first whole UTC day of the window (rollups are per UTC day). */
  windowStart: z.string(),
  windowEnd: z.string(),
  /** Every event in the window, malformed ones included. */
  total: z.number().int().nonnegative(),
  byAction: z.record(z.string(), z.number().int().nonnegative()),
  byResult: z.record(z.string(), z.number().int().nonnegative()),
  /** Events that failed the schema: in `total`, not in `byAction`/`byResult`/`topActors`. */
  malformed: z.number().int().nonnegative(),
  topActors: z.array(topActorSchema).max(10),
  /** True when some day's actor map reached its size bound; counts of others stay exact. */
  approximateTopActors: z.boolean(),
  /** Events whose actor was not kept because of that bound. */
  actorsOverflow: z.number().int().nonnegative(),
  /** Rollup shard documents that failed their schema and were left out (logged). */
  malformedRollups: z.number().int().nonnegative(),
  source: z.literal('rollups'),
  /**
   * ISO-8601 time the rollups were read: every event whose rollup trigger had run by then is
   * counted (the trigger runs seconds after the write).
   */
  asOf: z.string(),
  /** Firestore documents read to build the summary (≈ one per closed day + today's shards). */
  documentReads: z.number().int().nonnegative(),
});
export type AuditLogSummary = z.output<typeof auditLogSummarySchema>;

/** Role and department fields of a member, as far as they could be read. */
export const accessStateSchema = z.object({
  role: z.string().optional(),
  departments: z.array(z.string()).optional(),
});
export type AccessState = z.output<typeof accessStateSchema>;

export const ACCESS_CHANGE_KINDS = ['created', 'updated', 'deleted'] as const;

/** Stored form, `accounts/{a}/accessHistory/{id}` (server-only). */
export const accessHistoryDocSchema = z.object({
  uid: z.string().min(1),
  kind: z.enum(ACCESS_CHANGE_KINDS),
  before: accessStateSchema,
  after: accessStateSchema,
  changedAt: timestamp,
  changedBy: z.string().optional(),
});

/** API/report form: timestamps as ISO strings. */
export const accessChangeSchema = accessHistoryDocSchema.extend({ changedAt: z.string() });
export type AccessChange = z.output<typeof accessChangeSchema>;

/**
 * Where an access-history entry sits in the newest-first order of the raw query: its `changedAt`
 * as `{seconds + 62135596800, 12 digits}.{nanoseconds, 9 digits}` (string order is time order at
 * Firestore's own precision; a Date keeps only milliseconds), ties broken by the entry id.
 */
export const accessRecentPositionSchema = z.object({
  at: z.string().regex(/^\d{12}\.\d{9}$/, 'must be an order key'),
  id: z.string().min(1),
});
export type AccessRecentPosition = z.output<typeof accessRecentPositionSchema>;

/**
 * One entry held by an `accessRecent` shard: the accessHistory entry as stored (its `changedAt`
 * a Timestamp), or, for an entry that failed its schema, the problem the raw read reports.
 */
export const accessRecentItemSchema = z.union([
  accessRecentPositionSchema.extend({ entry: z.record(z.string(), z.unknown()) }),
  accessRecentPositionSchema.extend({ problem: z.string() }),
]);
export type AccessRecentItem = z.output<typeof accessRecentItemSchema>;

/** `accounts/{a}/accessRecent/{shard 00..09}` (server-only, see paths.ts). */
export const accessRecentShardSchema = z.object({
  /** Newest first, at most 100, and under the byte bound. */
  items: z.array(accessRecentItemSchema),
  /**
   * The newest item the shard dropped (count or byte bound), or null: the shard holds every
   * entry it was given that is newer than this one.
   */
  droppedNewest: accessRecentPositionSchema.nullable(),
});
export type AccessRecentShard = z.output<typeof accessRecentShardSchema>;

/** `accounts/{a}/accessRecent/state`: the entries older than the shards were merged in. */
export const accessRecentStateSchema = z.object({
  builtAt: timestamp,
  /** Raw entries read and merged by the build. */
  backfilled: z.number().int().nonnegative(),
});

/** `GET /api/audit-logs` query string (CONTRACT §4). */
const optionalFilter = (name: string) =>
  z
    .string({ error: () => `${name} must be given once` })
    .min(1, `${name} must not be empty`)
    .max(512, `${name} is too long`)
    .optional();

export const auditLogQuerySchema = z
  .object({
    accountId: accountIdParam,
    actorId: optionalFilter('actorId'),
    action: optionalFilter('action'),
    resourceType: optionalFilter('resourceType'),
    result: z
      .enum(AUDIT_RESULTS, { error: () => `result must be one of ${AUDIT_RESULTS.join(', ')}` })
      .optional(),
    start: isoDateTime('start').optional(),
    end: isoDateTime('end').optional(),
    pageSize: optionalIntegerParam('pageSize', 1, 500),
    pageToken: z
      .string({ error: () => 'pageToken must be given once' })
      .max(2048, 'pageToken is too long')
      .optional(),
  })
  .refine((q) => !q.start || !q.end || Date.parse(q.start) < Date.parse(q.end), {
    message: 'start must be before end',
    path: ['start'],
  });
export type AuditLogQuery = z.output<typeof auditLogQuerySchema>;

/** The equality filters of the query API, in the order composite indexes list them. */
export const AUDIT_QUERY_FILTERS = ['actorId', 'action', 'resourceType', 'result'] as const;

/** Decoded page token: the last returned event's position, bound to its query. */
export const auditPageCursorSchema = z.object({
  /** Seconds and nanoseconds of the last event's Timestamp (exact, no rounding through Date). */
  s: z.number().int().min(TIMESTAMP_MIN_SECONDS).max(TIMESTAMP_MAX_SECONDS),
  n: z.number().int().min(0).max(999_999_999),
  id: documentId,
  /** Hash of the account and filters the token was issued for. */
  q: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});
export type AuditPageCursor = z.output<typeof auditPageCursorSchema>;

/** An evidence archive index document, as far as retention needs it (written by the bundle job). */
export interface ArchiveCoverage {
  periodStart: Date;
  /** Exclusive. */
  periodEnd: Date;
  status: string;
}

/** `GET /api/audit-logs`: events keep every stored field (CONTRACT §4); only id and timestamp are fixed here. */
export const auditLogPageSchema = z.object({
  events: z.array(
    z.object({ id: z.string(), timestamp: z.string().nullable() }).catchall(z.unknown()),
  ),
  nextPageToken: z.string().nullable(),
});
