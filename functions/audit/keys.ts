import { createHash } from 'node:crypto';

/**
 * Rollup documents keep actions and actor ids as map keys. Firestore field names may not be
 * empty, `__x__` is reserved, and dots or backticks would be read as paths by `update()`, so keys
 * are percent-encoded (dots included) and a leading underscore is escaped. Reversible, so a report
 * shows the original names.
 */
export function encodeKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/^_/, '%5F');
}

export function decodeKey(encoded: string): string {
  return decodeURIComponent(encoded);
}

/** Shards per account and day: enough to absorb bursts of hundreds of events a second. */
export const ROLLUP_SHARDS = 10;

/** Deterministic, so a redelivered event lands on the shard that holds its dedupe marker. */
export function shardOf(eventId: string, shards = ROLLUP_SHARDS): number {
  return createHash('sha256').update(eventId).digest().readUInt32BE(0) % shards;
}

export function rollupDocId(day: string, shard: number): string {
  return `${day}_${String(shard).padStart(2, '0')}`;
}

const SAFE_DOC_ID = /^[A-Za-z0-9_.@:-]{1,200}$/;

/**
 * Document id for "this function handled this CloudEvent": the same for every redelivery, so a
 * `create()` under it refuses the second one. Ids that are not safe as document ids are hashed.
 */
export function deliveryDocId(functionName: string, deliveryId: string): string {
  const safe = SAFE_DOC_ID.test(deliveryId)
    ? deliveryId
    : createHash('sha256').update(deliveryId).digest('base64url');
  return `${functionName}:${safe}`;
}
