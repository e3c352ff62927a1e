import { FieldValue, Timestamp, type Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import {
  accessHistoryDocSchema,
  accessRecentShardSchema,
  accessRecentStateSchema,
  type AccessRecentItem,
} from '../schema/audit';
import { parseDocument, parseSnapshot } from '../schema/common';
import { accountDocPath } from '../schema/paths';
import {
  ACCESS_RECENT_LIMIT,
  ACCESS_RECENT_SHARDS,
  EMPTY_SHARD,
  mergeIntoShard,
  newestSince,
  orderKeyOf,
} from './accessRecentMerge';
import {
  accessHistoryOf,
  newestAccessEntries,
  recentAccessChanges,
  recordAccessChange,
  type AccessHistory,
  type RecordedAccessChange,
} from './accessHistory';
import { shardOf } from './keys';

/**
 * The `accessRecent` digest in Firestore (pure part: accessRecentMerge.ts): kept by the
 * memberAccessHistory trigger, built once per account from the entries written before it
 * existed, read by the report in one lookup of its state and shards by id.
 */

/** The document that says the older entries were merged in; the others are shards `00`..`09`. */
export const ACCESS_RECENT_STATE = 'state';

const shardDocId = (shard: number) => String(shard).padStart(2, '0');

/**
 * A stored (or about to be stored) access-history entry as a digest item: the entry with its
 * `changedAt` as a Timestamp (so its size is measured the same before and after storing), or the
 * problem that makes it malformed. Undefined when `changedAt` is no time at all: such an entry
 * is never in the raw query's range either.
 */
export function accessRecentItemOf(
  accountId: string,
  id: string,
  data: Record<string, unknown>,
): AccessRecentItem | undefined {
  const changedAt =
    data.changedAt instanceof Date ? Timestamp.fromDate(data.changedAt) : data.changedAt;
  if (!(changedAt instanceof Timestamp)) return undefined;
  const at = orderKeyOf(changedAt.seconds, changedAt.nanoseconds);
  const path = accountDocPath(accountId, 'accessHistory', id);
  const { malformed } = parseSnapshot(
    accessHistoryDocSchema,
    [{ id, ref: { path }, data: () => data }],
    {
      accountId,
      purpose: 'access digest',
    },
  );
  return malformed.length > 0
    ? { id, at, problem: malformed[0].problem }
    : { id, at, entry: { ...data, changedAt } };
}

const shardRef = (db: Firestore, accountId: string, shard: number) =>
  db.doc(accountDocPath(accountId, 'accessRecent', shardDocId(shard)));

const stateRef = (db: Firestore, accountId: string) =>
  db.doc(accountDocPath(accountId, 'accessRecent', ACCESS_RECENT_STATE));

/**
 * Merges items into their shards, one transaction per shard touched (insert if absent, sort,
 * trim): idempotent, and safe against a concurrent trigger or build. A malformed shard is left
 * as it is (logged); reports then read the raw history.
 */
export async function addToAccessRecent(
  db: Firestore,
  accountId: string,
  items: readonly AccessRecentItem[],
): Promise<void> {
  const byShard = new Map<number, AccessRecentItem[]>();
  for (const item of items) {
    const shard = shardOf(item.id, ACCESS_RECENT_SHARDS);
    byShard.set(shard, [...(byShard.get(shard) ?? []), item]);
  }
  await Promise.all(
    [...byShard].map(([shard, incoming]) =>
      db.runTransaction(async (tx) => {
        const ref = shardRef(db, accountId, shard);
        const snapshot = await tx.get(ref);
        const current = snapshot.exists
          ? parseDocument(accessRecentShardSchema, ref.path, snapshot.data())
          : ({ ok: true, value: EMPTY_SHARD } as const);
        if (!current.ok) {
          logger.warn('malformed access digest shard left as it is', {
            accountId,
            path: ref.path,
            problem: current.error.message,
          });
          return;
        }
        const { changed, ...merged } = mergeIntoShard(current.value, incoming);
        if (changed) tx.set(ref, merged);
      }),
    ),
  );
}

/**
 * Makes the digest usable for an account whose history began before it: merges the newest 100
 * raw entries (of any age, so a report as of a past date is exact too) into the shards, then
 * writes the state document. Entries older than those have 100 newer ones and can never be among
 * the newest 100 again. Merging never overwrites, so a trigger's concurrent update is kept.
 * Returns false when the digest was already built.
 */
export async function buildAccessRecent(db: Firestore, accountId: string): Promise<boolean> {
  const state = stateRef(db, accountId);
  if ((await state.get()).exists) return false;
  const docs = await newestAccessEntries(db, accountId, ACCESS_RECENT_LIMIT);
  const items = docs.flatMap((doc) => accessRecentItemOf(accountId, doc.id, doc.data()) ?? []);
  await addToAccessRecent(db, accountId, items);
  await state.set({ builtAt: FieldValue.serverTimestamp(), backfilled: docs.length });
  return true;
}

/**
 * The access changes since `since` from the digest when it answers exactly (built, every shard
 * well-formed, nothing the answer needs dropped), else undefined. `documentReads` is billed
 * either way.
 */
async function heldAccessChanges(
  db: Firestore,
  accountId: string,
  since: Date,
): Promise<{ history?: AccessHistory; documentReads: number }> {
  // Looked up by id (no query): the state and every shard, each billed whether or not it exists.
  const [state, ...shards] = await db.getAll(
    stateRef(db, accountId),
    ...Array.from({ length: ACCESS_RECENT_SHARDS }, (_, shard) => shardRef(db, accountId, shard)),
  );
  const documentReads = 1 + ACCESS_RECENT_SHARDS;
  if (!state.exists || !accessRecentStateSchema.safeParse(state.data()).success) {
    return { documentReads };
  }
  const { docs: parsedShards, malformed } = parseSnapshot(
    accessRecentShardSchema,
    shards.filter((shard) => shard.exists),
    { accountId, purpose: 'access digest' },
  );
  if (malformed.length > 0) return { documentReads };
  const start = Timestamp.fromDate(since);
  const items = newestSince(
    parsedShards.map((shard) => shard.value),
    orderKeyOf(start.seconds, start.nanoseconds),
  );
  return items ? { history: historyOfItems(accountId, items), documentReads } : { documentReads };
}

/** Digest items as the raw read would report them, in the same order. */
function historyOfItems(accountId: string, items: readonly AccessRecentItem[]): AccessHistory {
  const history: AccessHistory = { changes: [], malformed: [] };
  for (const item of items) {
    const path = accountDocPath(accountId, 'accessHistory', item.id);
    if ('problem' in item) {
      history.malformed.push({ id: item.id, path, problem: item.problem });
      continue;
    }
    const one = accessHistoryOf(accountId, [
      { id: item.id, ref: { path }, data: () => item.entry },
    ]);
    history.changes.push(...one.changes);
    history.malformed.push(...one.malformed);
  }
  return history;
}

/**
 * Stores one access change (accessHistory.ts `recordAccessChange`) and merges it into its digest
 * shard, the latter also on a redelivery: the first delivery may have failed between the two.
 * Returns false when the change had been stored before.
 */
export async function recordAccessChangeWithDigest(
  db: Firestore,
  accountId: string,
  entryId: string,
  change: RecordedAccessChange,
): Promise<boolean> {
  const recorded = await recordAccessChange(db, accountId, entryId, change);
  const item = accessRecentItemOf(accountId, entryId, change);
  if (item) await addToAccessRecent(db, accountId, [item]);
  return recorded;
}

/**
 * The report's recent access changes: role and department changes since `since`, newest first,
 * at most 100, exactly what `recentAccessChanges` returns. From the digest (≤ 11 reads) when it
 * answers exactly, else from the stored entries (up to 100 more reads).
 */
export async function reportAccessChanges(
  db: Firestore,
  accountId: string,
  since: Date,
): Promise<AccessHistory & { documentReads: number }> {
  const held = await heldAccessChanges(db, accountId, since);
  if (held.history) return { ...held.history, documentReads: held.documentReads };
  const raw = await recentAccessChanges(db, accountId, since, ACCESS_RECENT_LIMIT);
  const rawReads = Math.max(raw.changes.length + raw.malformed.length, 1);
  return { ...raw, documentReads: held.documentReads + rawReads };
}
