import type { RollupCounts } from '../schema/audit';
import { decodeKey } from './keys';

/** Sums of a set of rollup shards, keys decoded. Pure: the summary and tests share it. */
export interface RollupTotals {
  total: number;
  malformed: number;
  actorsOverflow: number;
  byAction: Record<string, number>;
  byResult: Record<string, number>;
  /** Per actor: events, an email seen, and the latest UTC day (`YYYY-MM-DD`) with an event. */
  actors: Map<string, { count: number; email?: string; lastActiveDay: string }>;
}

function addInto(target: Record<string, number>, source: Record<string, number>, decode: boolean) {
  for (const [key, count] of Object.entries(source)) {
    const name = decode ? decodeKey(key) : key;
    target[name] = (target[name] ?? 0) + count;
  }
}

/** Sums of shards and compacted days alike (both carry a day's counters). */
export function sumRollups(shards: readonly RollupCounts[]): RollupTotals {
  const totals: RollupTotals = {
    total: 0,
    malformed: 0,
    actorsOverflow: 0,
    byAction: {},
    byResult: {},
    actors: new Map(),
  };
  for (const shard of shards) {
    totals.total += shard.total;
    totals.malformed += shard.malformed;
    totals.actorsOverflow += shard.actorsOverflow;
    addInto(totals.byAction, shard.actions, true);
    addInto(totals.byResult, shard.results, false);
    for (const [key, actor] of Object.entries(shard.actors)) {
      const actorId = decodeKey(key);
      const known = totals.actors.get(actorId);
      totals.actors.set(actorId, {
        count: (known?.count ?? 0) + actor.count,
        email: known?.email ?? actor.email,
        // Day strings compare in time order.
        lastActiveDay: known && known.lastActiveDay > shard.day ? known.lastActiveDay : shard.day,
      });
    }
  }
  return totals;
}

/**
 * One day's parts (its shards) added into one set of counters, keys left encoded: what the
 * compaction stores. The first email seen for an actor is kept, as sumRollups does.
 */
export function mergeDay(day: string, parts: readonly RollupCounts[]): RollupCounts {
  const merged: RollupCounts = {
    day,
    total: 0,
    malformed: 0,
    actorsOverflow: 0,
    results: {},
    actions: {},
    actors: {},
  };
  for (const part of parts) {
    merged.total += part.total;
    merged.malformed += part.malformed;
    merged.actorsOverflow += part.actorsOverflow;
    addInto(merged.results, part.results, false);
    addInto(merged.actions, part.actions, false);
    for (const [key, actor] of Object.entries(part.actors)) {
      const known = merged.actors[key];
      const email = known?.email ?? actor.email;
      merged.actors[key] = {
        count: (known?.count ?? 0) + actor.count,
        ...(email === undefined ? {} : { email }),
      };
    }
  }
  return merged;
}

/** The `limit` busiest actors, ties broken by id so the report is stable. */
export function topActors(
  actors: RollupTotals['actors'],
  limit: number,
): { actorId: string; actorEmail?: string; count: number; lastActiveDay: string }[] {
  return [...actors.entries()]
    .sort(([a, x], [b, y]) => y.count - x.count || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([actorId, { count, email, lastActiveDay }]) => ({
      actorId,
      ...(email === undefined ? {} : { actorEmail: email }),
      count,
      lastActiveDay,
    }));
}
