import { addDays, utcDay } from '../domain/time';
import { parseDocument, timestamp } from '../schema/common';
import { auditLogSchema } from '../schema/documents';
import { deliveryDocId, encodeKey, rollupDocId, shardOf } from './keys';

/** Names the function in dedupe markers, so another consumer of the same event dedupes apart. */
export const ROLLUP_FUNCTION = 'auditRollup';

/**
 * How long a dedupe marker must outlive its event's first delivery. Retried event-driven functions
 * are redelivered for at most 7 days; 30 leaves a wide margin. A Firestore TTL policy on the
 * markers' `expireAt` field (see README) deletes them afterwards, so markers do not accumulate.
 */
export const DELIVERY_MARKER_TTL_DAYS = 30;

export interface RollupDelivery {
  accountId: string;
  /** The audit-log document id: picks the shard, so every delivery of it meets its marker. */
  eventId: string;
  /** The CloudEvent id: the same for every redelivery of one event. */
  deliveryId: string;
  /** The created document's data. */
  data: Record<string, unknown>;
  /** Arrival time; the day of a malformed event without a usable timestamp. */
  arrivedAt: Date;
  /** When this delivery is handled (a redelivery can come days after the arrival). */
  appliedAt: Date;
}

type FieldPathParts = readonly string[];

/** What one event adds to its shard. Pure data; rollup.ts turns it into one atomic batch. */
export interface RollupPlan {
  docId: string;
  day: string;
  shard: number;
  markerId: string;
  /** When the dedupe marker may be deleted (TTL policy field `expireAt`). */
  markerExpiresAt: Date;
  increments: FieldPathParts[];
  values: { path: FieldPathParts; value: string }[];
  /** Set when the event failed the schema: it is counted as malformed and logged. */
  problem?: string;
  /** Encoded actor key, when the plan counts an actor (see withoutActor). */
  actorKey?: string;
  /**
   * The event's day had ended when the delivery was handled, so the day may be compacted
   * (compaction.ts): the batch deletes `auditDays/{day}` and the summary reads the shards again
   * until the day is compacted anew. Events of the current day never touch it (no hot document).
   */
  reopensDay: boolean;
}

export function planRollup(delivery: RollupDelivery, functionName = ROLLUP_FUNCTION): RollupPlan {
  const path = `accounts/${delivery.accountId}/auditLogs/${delivery.eventId}`;
  const parsed = parseDocument(auditLogSchema, path, delivery.data);
  const stamp = parsed.ok
    ? parsed.value.timestamp
    : timestamp.safeParse(delivery.data.timestamp).data;
  const day = utcDay(stamp ?? delivery.arrivedAt);
  const shard = shardOf(delivery.eventId);
  const base = {
    docId: rollupDocId(day, shard),
    day,
    shard,
    markerId: deliveryDocId(functionName, delivery.deliveryId),
    markerExpiresAt: addDays(delivery.arrivedAt, DELIVERY_MARKER_TTL_DAYS),
    reopensDay: day < utcDay(delivery.appliedAt),
  };
  if (!parsed.ok) {
    return {
      ...base,
      increments: [['total'], ['malformed']],
      values: [],
      problem: parsed.error.message,
    };
  }
  const event = parsed.value;
  const actorKey = encodeKey(event.actorId);
  return {
    ...base,
    increments: [
      ['total'],
      ['results', event.result],
      ['actions', encodeKey(event.action)],
      ['actors', actorKey, 'count'],
    ],
    values: event.actorEmail
      ? [{ path: ['actors', actorKey, 'email'], value: event.actorEmail }]
      : [],
    actorKey,
  };
}

/**
 * The degraded plan for a shard document at its size bound: the event still counts in every
 * total, and under `actorsOverflow` instead of a new actor entry.
 */
export function withoutActor(plan: RollupPlan): RollupPlan {
  const { actorKey, ...rest } = plan;
  if (actorKey === undefined) return plan;
  return {
    ...rest,
    increments: [...plan.increments.filter((p) => p[0] !== 'actors'), ['actorsOverflow']],
    values: plan.values.filter((v) => v.path[0] !== 'actors'),
  };
}
