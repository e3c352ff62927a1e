import { FieldValue, type DocumentSnapshot, type Firestore } from 'firebase-admin/firestore';
import { shardOf } from '../audit/keys';
import { forEachAccount } from '../domain/eachAccount';
import { parseDocument, type StoredDocument } from '../schema/common';
import { resourceDigestShardSchema, type ResourceDigestShard } from '../schema/digests';
import { accountDocPath, subcollectionPath } from '../schema/paths';

/**
 * The resource digest (`accounts/{a}/resourceDigest`): what the access review needs of every
 * resource in a few documents, so a report reads about five documents instead of one per
 * resource. A trigger keeps it current and the hourly job repairs it; a report uses it only when
 * no shard overflowed and it holds as many resources as the collection (a count query), and
 * otherwise reads the resources as before, so a report is never wrong because of the digest.
 */

/** Shards spread the trigger's transactions when many resources are written at once. */
export const RESOURCE_DIGEST_SHARDS = 4;
/** A shard stays well under Firestore's 1 MiB document limit, or is marked overflowed. */
export const MAX_DIGEST_SHARD_BYTES = 800_000;
/** A count query is billed one read per 1,000 index entries it counts. */
const COUNT_ENTRIES_PER_READ = 1000;

/** The fields of a resource document `resourceSchema` reads; it ignores any others. */
const DIGEST_FIELDS = ['type', 'name', 'departmentIds', 'memberIds'] as const;

export function digestEntryOf(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(DIGEST_FIELDS.filter((f) => f in data).map((f) => [f, data[f]]));
}

const SHARD_DOC_IDS = Array.from({ length: RESOURCE_DIGEST_SHARDS }, (_, n) => `shard-${n}`);

const shardDocId = (resourceId: string) =>
  SHARD_DOC_IDS[shardOf(resourceId, RESOURCE_DIGEST_SHARDS)];

const digestRef = (db: Firestore, accountId: string, docId: string) =>
  db.doc(accountDocPath(accountId, 'resourceDigest', docId));

const resourceRef = (db: Firestore, accountId: string, resourceId: string) =>
  db.doc(accountDocPath(accountId, 'resources', resourceId));

type ShardEntries = ResourceDigestShard['resources'];

/** A stored shard, or undefined when absent or unreadable (then it is rewritten as overflowed). */
function shardOfSnapshot(snapshot: DocumentSnapshot): ShardEntries | 'overflow' | undefined {
  if (!snapshot.exists) return undefined;
  const parsed = parseDocument(resourceDigestShardSchema, snapshot.ref.path, snapshot.data());
  return !parsed.ok || parsed.value.overflow ? 'overflow' : parsed.value.resources;
}

/** The shard document to write: the entries, or overflowed once they no longer fit. */
function shardDocument(entries: ShardEntries | 'overflow') {
  const overflow =
    entries === 'overflow' || Buffer.byteLength(JSON.stringify(entries)) > MAX_DIGEST_SHARD_BYTES;
  return {
    resources: overflow ? {} : entries,
    overflow,
    updatedAt: FieldValue.serverTimestamp(),
  };
}

/**
 * Puts the resource's current fields (or its absence) into the digest. It reads the resource
 * inside the transaction rather than trusting the triggering event, so redelivered and
 * out-of-order events all leave the latest state.
 */
export async function refreshDigestedResource(
  db: Firestore,
  accountId: string,
  resourceId: string,
): Promise<void> {
  const shardRef = digestRef(db, accountId, shardDocId(resourceId));
  await db.runTransaction(async (tx) => {
    const [resource, shard] = await tx.getAll(resourceRef(db, accountId, resourceId), shardRef);
    tx.set(shardRef, shardDocument(withResource(shardOfSnapshot(shard), resource)));
  });
}

function withResource(
  entries: ShardEntries | 'overflow' | undefined,
  resource: DocumentSnapshot,
): ShardEntries | 'overflow' {
  if (entries === 'overflow') return entries;
  const next = { ...entries };
  if (resource.exists) next[resource.id] = digestEntryOf(resource.data() ?? {});
  else delete next[resource.id];
  return next;
}

/**
 * Brings an account's digest back to its resources when it does not match them (resources written
 * before the digest existed, a trigger that gave up): each shard is rewritten in a transaction
 * that re-reads its listed resources and every resource it names, so a trigger running meanwhile
 * is neither lost nor undone. Returns false when the digest already matched or overflowed.
 */
export async function repairResourceDigest(db: Firestore, accountId: string): Promise<boolean> {
  const current = await readResourceDigest(db, accountId);
  if (current.usable || current.overflowed) return false;
  const listed = await db.collection(subcollectionPath(accountId, 'resources')).select().get();
  const byShard = new Map<string, Set<string>>(SHARD_DOC_IDS.map((id) => [id, new Set<string>()]));
  for (const doc of listed.docs) byShard.get(shardDocId(doc.id))?.add(doc.id);
  for (const [shardId, listedIds] of byShard) {
    const shardRef = digestRef(db, accountId, shardId);
    await db.runTransaction(async (tx) => {
      const entries = shardOfSnapshot(await tx.get(shardRef));
      if (entries === 'overflow') return;
      const ids = new Set([...listedIds, ...Object.keys(entries ?? {})]);
      if (ids.size === 0) return;
      const resources = await tx.getAll(...[...ids].map((id) => resourceRef(db, accountId, id)));
      let next: ShardEntries | 'overflow' = entries ?? {};
      for (const resource of resources) next = withResource(next, resource);
      tx.set(shardRef, shardDocument(next));
    });
  }
  return true;
}

export type DigestRead =
  | { usable: true; documents: StoredDocument[]; reads: number }
  | { usable: false; overflowed: boolean; reason: string; reads: number };

/**
 * The resources as stored documents from the digest, when it can stand in for the collection: no
 * shard overflowed or unreadable, and as many entries as the collection has documents. Entries
 * are only written from a resource read in the same transaction and removed when it is deleted,
 * so equal counts mean the same resources (a trigger still on its way aside).
 */
export async function readResourceDigest(db: Firestore, accountId: string): Promise<DigestRead> {
  // The shards are looked up by id (no query), each billed whether or not it exists.
  const [digest, counted] = await Promise.all([
    db.getAll(...SHARD_DOC_IDS.map((id) => digestRef(db, accountId, id))),
    db.collection(subcollectionPath(accountId, 'resources')).count().get(),
  ]);
  const total = counted.data().count;
  const reads = digest.length + Math.max(Math.ceil(total / COUNT_ENTRIES_PER_READ), 1);
  const documents: StoredDocument[] = [];
  for (const shard of digest) {
    const entries = shardOfSnapshot(shard);
    if (entries === 'overflow') {
      return { usable: false, overflowed: true, reason: `${shard.id} overflowed`, reads };
    }
    for (const [id, data] of Object.entries(entries ?? {})) {
      documents.push({ id, ref: { path: resourceRef(db, accountId, id).path }, data: () => data });
    }
  }
  if (documents.length !== total) {
    const reason = `${documents.length} entries for ${total} resources`;
    return { usable: false, overflowed: false, reason, reads };
  }
  // In document id order, as a read of the collection returns them.
  documents.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { usable: true, documents, reads };
}

/** Repairs every account's digest that does not match its resources (the hourly backfill). */
export async function repairResourceDigests(
  db: Firestore,
): Promise<{ repaired: number; failed: string[] }> {
  let repaired = 0;
  const failed = await forEachAccount(db, 'resource digest repair', async (accountId) => {
    if (await repairResourceDigest(db, accountId)) repaired += 1;
  });
  return { repaired, failed };
}
