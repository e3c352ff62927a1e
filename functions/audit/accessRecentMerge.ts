import type { AccessRecentItem, AccessRecentPosition, AccessRecentShard } from '../schema/audit';

/**
 * The newest-changes digest of the access history, pure: merging entries into a shard and reading
 * the newest of all shards. Each shard keeps the newest entries whose id hashes to it, so the
 * union of the shards' newest `ACCESS_RECENT_LIMIT` holds the overall newest that many.
 */

/** Entries the report lists, and so the most a shard must hold. */
export const ACCESS_RECENT_LIMIT = 100;

/** Shards per account: a burst of member writes spreads its transactions over ten documents. */
export const ACCESS_RECENT_SHARDS = 10;

/**
 * A shard stays well under Firestore's 1 MiB (department lists can be long). Measured as JSON,
 * which is at least the stored size for these fields.
 */
export const ACCESS_RECENT_MAX_BYTES = 800_000;

/** Timestamp's earliest second (0001-01-01) is 0 in an order key. */
const SECONDS_OFFSET = 62_135_596_800;

/** The order key of a Firestore Timestamp's seconds and nanoseconds (accessRecentPositionSchema). */
export function orderKeyOf(seconds: number, nanoseconds: number): string {
  return `${String(seconds + SECONDS_OFFSET).padStart(12, '0')}.${String(nanoseconds).padStart(9, '0')}`;
}

/**
 * Newest first, as `orderBy('changedAt', 'desc')` returns them: Firestore breaks ties by document
 * id in the same direction.
 */
export function newerFirst(a: AccessRecentPosition, b: AccessRecentPosition): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.id !== b.id) return a.id < b.id ? 1 : -1;
  return 0;
}

const itemBytes = (item: AccessRecentItem) => Buffer.byteLength(JSON.stringify(item));

export interface ShardBounds {
  limit: number;
  maxBytes: number;
}

const DEFAULT_BOUNDS: ShardBounds = {
  limit: ACCESS_RECENT_LIMIT,
  maxBytes: ACCESS_RECENT_MAX_BYTES,
};

export const EMPTY_SHARD: AccessRecentShard = { items: [], droppedNewest: null };

/**
 * The shard with `incoming` merged: it always holds the longest newest-first run of every entry
 * it was ever given that fits the bounds, so the result depends only on the set of entries given,
 * not their order or repetition (redelivered and late triggers, a backfill racing a trigger).
 * An entry already held, or older than one dropped, changes nothing (`changed` false).
 */
export function mergeIntoShard(
  shard: AccessRecentShard,
  incoming: readonly AccessRecentItem[],
  bounds: ShardBounds = DEFAULT_BOUNDS,
): AccessRecentShard & { changed: boolean } {
  const held = new Set(shard.items.map((item) => item.id));
  const { droppedNewest } = shard;
  const added = incoming.filter((item) => {
    if (held.has(item.id) || (droppedNewest && newerFirst(item, droppedNewest) >= 0)) return false;
    held.add(item.id);
    return true;
  });
  if (added.length === 0) return { ...shard, changed: false };
  const sorted = [...shard.items, ...added].sort(newerFirst);
  let kept = Math.min(sorted.length, bounds.limit);
  let bytes = sorted.slice(0, kept).reduce((sum, item) => sum + itemBytes(item), 0);
  while (kept > 0 && bytes > bounds.maxBytes) bytes -= itemBytes(sorted[--kept]);
  // Everything kept is newer than the previous droppedNewest, so the first item dropped now is
  // the newest dropped ever.
  const firstDropped = sorted[kept];
  return {
    items: sorted.slice(0, kept),
    droppedNewest: firstDropped ? { at: firstDropped.at, id: firstDropped.id } : droppedNewest,
    changed: true,
  };
}

/**
 * The newest `limit` items at or after `sinceAt` over all shards, exactly what the raw query
 * returns; undefined when a shard dropped an entry that could belong to the answer (the caller
 * then reads the raw history).
 */
export function newestSince(
  shards: readonly AccessRecentShard[],
  sinceAt: string,
  limit = ACCESS_RECENT_LIMIT,
): AccessRecentItem[] | undefined {
  const answer = shards
    .flatMap((shard) => shard.items.filter((item) => item.at >= sinceAt))
    .sort(newerFirst)
    .slice(0, limit);
  // A full answer is exact if no shard dropped anything newer than its last item; a short one if
  // no shard dropped anything in the window (the empty id sorts after every id at `sinceAt`).
  const oldestNeeded = answer.length === limit ? answer[limit - 1] : { at: sinceAt, id: '' };
  const exact = shards.every(
    ({ droppedNewest }) => !droppedNewest || newerFirst(droppedNewest, oldestNeeded) > 0,
  );
  return exact ? answer : undefined;
}
