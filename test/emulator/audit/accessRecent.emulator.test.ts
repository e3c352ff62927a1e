import { Timestamp } from 'firebase-admin/firestore';
import {
  recentAccessChanges,
  recordAccessChange,
  type RecordedAccessChange,
} from '../../../functions/audit/accessHistory';
import {
  ACCESS_RECENT_STATE,
  buildAccessRecent,
  recordAccessChangeWithDigest,
  reportAccessChanges,
} from '../../../functions/audit/accessRecent';
import type { Deps } from '../../../functions/app/deps';
import { ReportSources } from '../../../functions/report/sources';
import { accountDocPath, subcollectionPath } from '../../../functions/schema/paths';
import { pool } from '../../../bench/pool';
import { mulberry32, type Rng } from '../../../scripts/seed/rng';
import { db, uniqueAccountId } from '../../support/world';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;
const WINDOW_START = new Date(NOW.getTime() - 30 * DAY);

/**
 * Random access changes of the last 40 days (some outside the report window), many sharing a
 * millisecond (a batch of member writes commits at one time), with long department lists.
 */
function randomChanges(rng: Rng, count: number): [string, RecordedAccessChange][] {
  const instants = Array.from(
    { length: Math.ceil(count / 3) },
    () => new Date(NOW.getTime() - rng.int(0, 40 * DAY)),
  );
  return Array.from({ length: count }, (_, i) => [
    `memberAccessHistory:evt-${rng.id(8)}-${i}`,
    {
      uid: `uid-${i}`,
      kind: rng.pick(['created', 'updated', 'deleted'] as const),
      before: rng.chance(0.5) ? { role: 'member' } : {},
      after: {
        role: rng.pick(['admin', 'member', 'viewer']),
        departments: Array.from({ length: rng.int(0, 30) }, () => rng.id(12)),
      },
      changedAt: rng.pick(instants),
      ...(rng.chance(0.5) ? { changedBy: `owner-${rng.int(1, 3)}` } : {}),
    },
  ]);
}

/** The report's access changes as the report bills them. */
async function reportSees(accountId: string, asOf = NOW) {
  const sources = new ReportSources({ db } as Deps, accountId, asOf);
  const history = await sources.accessChanges();
  return { history, reads: sources.readsBySource.accessHistory };
}

/** What the raw newest-first query gives, in the report's form. */
async function rawSees(accountId: string, since = WINDOW_START) {
  const raw = await recentAccessChanges(db, accountId, since, 100);
  return {
    changes: raw.changes,
    malformed: raw.malformed.map(({ path, problem }) => ({ path, problem })),
  };
}

describe('the accessRecent digest of the newest access changes', () => {
  it('a legacy account reads the raw history until built, then the digest, with the same answer', async () => {
    const accountId = uniqueAccountId('recent-legacy');
    const changes = randomChanges(mulberry32(1301), 260);
    await pool(changes, 16, ([id, change]) => recordAccessChange(db, accountId, id, change));
    // A stored entry that fails its schema stays listed, from the raw query and from the digest.
    await db.doc(accountDocPath(accountId, 'accessHistory', 'broken-entry')).set({
      kind: 'promoted',
      changedAt: Timestamp.fromDate(new Date(NOW.getTime() - DAY)),
    });
    const expected = await rawSees(accountId);
    expect(expected.changes).toHaveLength(99);
    expect(expected.malformed).toEqual([
      {
        path: accountDocPath(accountId, 'accessHistory', 'broken-entry'),
        problem: expect.stringContaining('kind'),
      },
    ]);

    const before = await reportSees(accountId);
    expect(before.history).toEqual(expected);
    // The digest's state and ten shards looked up, then the raw history.
    expect(before.reads).toBe(11 + 100);

    expect(await buildAccessRecent(db, accountId)).toBe(true);
    expect(await buildAccessRecent(db, accountId)).toBe(false);
    const after = await reportSees(accountId);
    expect(after.history).toEqual(expected);
    expect(after.reads).toBeLessThanOrEqual(11);
  });

  it('recording through the digest keeps it exact under concurrency, redelivery, late entries and a racing build', async () => {
    const accountId = uniqueAccountId('recent-live');
    const rng = mulberry32(1302);
    const changes = randomChanges(rng, 300);
    const legacy = changes.slice(0, 120);
    const live = changes.slice(120);
    await pool(legacy, 16, ([id, change]) => recordAccessChange(db, accountId, id, change));
    // Live changes arrive shuffled (late and early), some twice, while the build runs.
    const deliveries = rng.sample([...live, ...live.filter(() => rng.chance(0.2))], 10_000);
    const recorded: boolean[] = [];
    await Promise.all([
      pool(deliveries, 4, async ([id, change]) =>
        recorded.push(await recordAccessChangeWithDigest(db, accountId, id, change)),
      ),
      buildAccessRecent(db, accountId),
    ]);
    expect(recorded.filter(Boolean)).toHaveLength(live.length);

    const seen = await reportSees(accountId);
    expect(seen.history).toEqual(await rawSees(accountId));
    expect(seen.history.changes).toHaveLength(100);
    expect(seen.reads).toBeLessThanOrEqual(11);
    // A report as of an earlier date (bundles build one) gets the raw answer too.
    const earlier = new Date(NOW.getTime() - 20 * DAY);
    const past = await reportAccessChanges(db, accountId, new Date(earlier.getTime() - 30 * DAY));
    expect(past).toEqual({
      ...(await recentAccessChanges(db, accountId, new Date(earlier.getTime() - 30 * DAY), 100)),
      documentReads: expect.any(Number),
    });
  });

  it('falls back to the raw history when a shard dropped an entry the answer needs', async () => {
    const accountId = uniqueAccountId('recent-dropped');
    const changes = randomChanges(mulberry32(1303), 30);
    for (const [id, change] of changes) {
      await recordAccessChangeWithDigest(db, accountId, id, change);
    }
    await buildAccessRecent(db, accountId);
    const shards = await db.collection(subcollectionPath(accountId, 'accessRecent')).get();
    // As if the byte bound had dropped the newest entry of all from its shard.
    const newestAt = (doc: (typeof shards.docs)[number]) =>
      doc.id === ACCESS_RECENT_STATE ? '' : (doc.get('items')[0]?.at ?? '');
    const holder = shards.docs.reduce((a, b) => (newestAt(b) > newestAt(a) ? b : a));
    const [newest, ...rest] = holder.get('items') as { at: string; id: string }[];
    await holder.ref.update({ items: rest, droppedNewest: { at: newest.at, id: newest.id } });

    const seen = await reportSees(accountId);
    expect(seen.history).toEqual(await rawSees(accountId));
    expect(seen.reads).toBe(11 + seen.history.changes.length);
  });
});
