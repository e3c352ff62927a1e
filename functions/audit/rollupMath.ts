import type { AuditWindowCounts, RollupCounts } from '../schema/audit';
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

/** A day's counters (shard or compacted day), or a window of closed days (compaction.ts). */
export type SummaryPart = RollupCounts | AuditWindowCounts;

interface ActorCounts {
  count: number;
  email?: string;
  lastActiveDay: string;
}

/** The actors of a part, keys encoded, each with the latest day of the part it was active. */
function actorsOf(part: SummaryPart): [string, ActorCounts][] {
  if ('days' in part) return Object.entries(part.actors);
  return Object.entries(part.actors).map(([key, actor]) => [
    key,
    { ...actor, lastActiveDay: part.day },
  ]);
}

/**
 * Adds one actor's counters into a map of them: the first email seen is kept, and the latest day
 * (day strings compare in time order).
 */
function addActor(known: ActorCounts | undefined, actor: ActorCounts): ActorCounts {
  const email = known?.email ?? actor.email;
  return {
    count: (known?.count ?? 0) + actor.count,
    ...(email === undefined ? {} : { email }),
    lastActiveDay:
      known && known.lastActiveDay > actor.lastActiveDay
        ? known.lastActiveDay
        : actor.lastActiveDay,
  };
}

/** Sums of shards, compacted days and windows alike (all carry counters), keys decoded. */
export function sumRollups(parts: readonly SummaryPart[]): RollupTotals {
  const totals: RollupTotals = {
    total: 0,
    malformed: 0,
    actorsOverflow: 0,
    byAction: {},
    byResult: {},
    actors: new Map(),
  };
  for (const part of parts) {
    totals.total += part.total;
    totals.malformed += part.malformed;
    totals.actorsOverflow += part.actorsOverflow;
    addInto(totals.byAction, part.actions, true);
    addInto(totals.byResult, part.results, false);
    for (const [key, actor] of actorsOf(part)) {
      const actorId = decodeKey(key);
      totals.actors.set(actorId, addActor(totals.actors.get(actorId), actor));
    }
  }
  return totals;
}

type Counters = Pick<
  RollupCounts,
  'total' | 'malformed' | 'actorsOverflow' | 'results' | 'actions'
>;

const noCounters = (): Counters => ({
  total: 0,
  malformed: 0,
  actorsOverflow: 0,
  results: {},
  actions: {},
});

/** Adds a part's counters into stored counters (keys stay encoded). */
function addCounters(target: Counters, part: Counters): void {
  target.total += part.total;
  target.malformed += part.malformed;
  target.actorsOverflow += part.actorsOverflow;
  addInto(target.results, part.results, false);
  addInto(target.actions, part.actions, false);
}

/**
 * One day's parts (its shards) added into one set of counters, keys left encoded: what the
 * compaction stores. The first email seen for an actor is kept, as sumRollups does.
 */
export function mergeDay(day: string, parts: readonly RollupCounts[]): RollupCounts {
  const merged: RollupCounts = { day, ...noCounters(), actors: {} };
  for (const part of parts) {
    addCounters(merged, part);
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

/**
 * Compacted days (oldest first) added into one window, keys left encoded, each actor with its
 * latest active day: summed with other parts it gives what summing the days would.
 */
export function mergeWindow(days: readonly RollupCounts[]): AuditWindowCounts {
  const merged: AuditWindowCounts = { days: days.map((d) => d.day), ...noCounters(), actors: {} };
  for (const day of days) {
    addCounters(merged, day);
    for (const [key, actor] of actorsOf(day))
      merged.actors[key] = addActor(merged.actors[key], actor);
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
