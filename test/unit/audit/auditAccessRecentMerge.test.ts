import {
  ACCESS_RECENT_SHARDS,
  EMPTY_SHARD,
  mergeIntoShard,
  newerFirst,
  newestSince,
  orderKeyOf,
  type ShardBounds,
} from '../../../functions/audit/accessRecentMerge';
import { shardOf } from '../../../functions/audit/keys';
import type { AccessRecentItem, AccessRecentShard } from '../../../functions/schema/audit';
import { mulberry32, type Rng } from '../../../scripts/seed/rng';

const BASE = 1_790_000_000;
const item = (id: string, second: number, departments = ['eng']): AccessRecentItem => ({
  id,
  at: orderKeyOf(BASE + second, 0),
  entry: { uid: `u-${id}`, kind: 'created', before: {}, after: { role: 'member', departments } },
});
const ids = (items: readonly AccessRecentItem[] | undefined) => items?.map((i) => i.id);
const merged = (items: AccessRecentItem[], bounds?: ShardBounds) => {
  const { changed: _changed, ...shard } = mergeIntoShard(EMPTY_SHARD, items, bounds);
  return shard;
};

describe('access change order keys', () => {
  it('sort as time at nanosecond precision, before and after 1970', () => {
    const keys = [
      orderKeyOf(-62_135_596_800, 0),
      orderKeyOf(-1, 999_999_999),
      orderKeyOf(0, 0),
      orderKeyOf(BASE, 1),
      orderKeyOf(BASE, 2),
      orderKeyOf(253_402_300_799, 999_999_999),
    ];
    expect([...keys].sort()).toEqual(keys);
    expect(keys[0]).toBe('000000000000.000000000');
  });

  it('break equal times by id, descending, as Firestore does', () => {
    const sorted = [item('a', 1), item('c', 1), item('b', 2), item('b', 1)].sort(newerFirst);
    expect(sorted.map((i) => `${i.id}@${i.at.slice(-12, -10)}`)).toEqual([
      'b@02',
      'c@01',
      'b@01',
      'a@01',
    ]);
  });
});

describe('merging access changes into a digest shard', () => {
  it('keeps the newest first and drops the oldest beyond the limit, remembering it', () => {
    const shard = merged([item('a', 1), item('b', 3), item('c', 2)], { limit: 2, maxBytes: 1e6 });
    expect(ids(shard.items)).toEqual(['b', 'c']);
    expect(shard.droppedNewest).toEqual({ id: 'a', at: item('a', 1).at });
  });

  it('changes nothing for an entry it holds or one older than an entry it dropped', () => {
    const shard = merged([item('a', 1), item('b', 3), item('c', 2)], { limit: 2, maxBytes: 1e6 });
    const bounds = { limit: 2, maxBytes: 1e6 };
    expect(mergeIntoShard(shard, [item('b', 3)], bounds).changed).toBe(false);
    expect(mergeIntoShard(shard, [item('a', 1)], bounds).changed).toBe(false);
    expect(mergeIntoShard(shard, [item('0', 0)], bounds).changed).toBe(false);
    const newer = mergeIntoShard(shard, [item('d', 4)], bounds);
    expect([newer.changed, ids(newer.items), newer.droppedNewest?.id]).toEqual([
      true,
      ['d', 'b'],
      'c',
    ]);
  });

  it('trims by bytes below the count limit when entries are large', () => {
    const long = Array.from({ length: 400 }, (_, i) => `department-${i}`);
    const items = Array.from({ length: 10 }, (_, i) => item(`e${i}`, i, long));
    const oneItem = Buffer.byteLength(JSON.stringify(items[0]));
    const shard = merged(items, { limit: 100, maxBytes: oneItem * 3.5 });
    expect(ids(shard.items)).toEqual(['e9', 'e8', 'e7']);
    expect(shard.droppedNewest?.id).toBe('e6');
    expect(Buffer.byteLength(JSON.stringify(shard))).toBeLessThan(oneItem * 3.5 + 200);
  });

  it('drops a single entry larger than the byte bound and says so', () => {
    const huge = item('huge', 5, ['x'.repeat(2000)]);
    const shard = merged([huge, item('small', 1)], { limit: 100, maxBytes: 1000 });
    expect(ids(shard.items)).toEqual([]);
    expect(shard.droppedNewest?.id).toBe('huge');
  });
});

describe('reading the newest changes from the shards', () => {
  const shards = (items: AccessRecentItem[], bounds: ShardBounds): AccessRecentShard[] =>
    Array.from({ length: ACCESS_RECENT_SHARDS }, (_, s) =>
      merged(
        items.filter((i) => shardOf(i.id, ACCESS_RECENT_SHARDS) === s),
        bounds,
      ),
    );

  it('answers a short window from the shards when nothing in it was dropped', () => {
    const items = Array.from({ length: 30 }, (_, i) => item(`e${i}`, i));
    const answer = newestSince(shards(items, { limit: 2, maxBytes: 1e6 }), item('x', 27).at, 5);
    expect(ids(answer)).toEqual(['e29', 'e28', 'e27']);
  });

  it('refuses to answer when a shard dropped an entry the answer needs', () => {
    const long = Array.from({ length: 300 }, (_, i) => `department-${i}`);
    const items = Array.from({ length: 30 }, (_, i) => item(`e${i}`, i, long));
    const oneItem = Buffer.byteLength(JSON.stringify(items[0]));
    const tight = shards(items, { limit: 100, maxBytes: oneItem * 1.5 });
    expect(newestSince(tight, item('x', 0).at, 100)).toBeUndefined();
    // The newest of each shard is held: an answer of one is still exact.
    expect(ids(newestSince(tight, item('x', 0).at, 1))).toEqual(['e29']);
  });

  /** Random entries, some sharing a second, delivered shuffled, repeated and in random batches. */
  function randomDeliveries(rng: Rng, count: number) {
    const items = Array.from({ length: count }, (_, i) =>
      item(
        `${rng.id(6)}${i}`,
        rng.int(0, count / 3),
        Array.from({ length: rng.int(0, 40) }, () => rng.id(rng.int(4, 30))),
      ),
    );
    const deliveries = rng.sample(
      [...items, ...items.filter(() => rng.chance(0.3))],
      Number.MAX_SAFE_INTEGER,
    );
    const batches: AccessRecentItem[][] = [];
    for (let at = 0; at < deliveries.length;) {
      const size = rng.int(1, 40);
      batches.push(deliveries.slice(at, at + size));
      at += size;
    }
    return { items, batches };
  }

  it('gives exactly the newest entries of a window, as brute force does, for random deliveries', () => {
    const rng = mulberry32(20261201);
    let answeredFromShards = 0;
    for (let round = 0; round < 40; round++) {
      const { items, batches } = randomDeliveries(rng, rng.int(1, 400));
      const bounds = { limit: rng.pick([100, 100, 7]), maxBytes: rng.pick([800_000, 6_000]) };
      const limit = Math.min(bounds.limit, rng.pick([100, 1, 13]));
      const state = Array.from({ length: ACCESS_RECENT_SHARDS }, () => EMPTY_SHARD);
      for (const batch of batches) {
        const byShard = new Map<number, AccessRecentItem[]>();
        for (const one of batch) {
          const s = shardOf(one.id, ACCESS_RECENT_SHARDS);
          byShard.set(s, [...(byShard.get(s) ?? []), one]);
        }
        for (const [s, incoming] of byShard) {
          const { changed: _changed, ...next } = mergeIntoShard(state[s], incoming, bounds);
          state[s] = next;
        }
      }
      const sinceAt = rng.pick(items).at;
      const bruteForce = items
        .filter((i) => i.at >= sinceAt)
        .sort(newerFirst)
        .slice(0, limit);
      const answer = newestSince(state, sinceAt, limit);
      if (bounds.maxBytes === 800_000) expect(answer).toBeDefined();
      if (answer) {
        answeredFromShards++;
        expect(ids(answer)).toEqual(ids(bruteForce));
      }
      // The same set delivered once, in order, in one batch per shard: the same shards.
      expect(shards(items, bounds)).toEqual(state);
    }
    expect(answeredFromShards).toBeGreaterThan(20);
  });
});
