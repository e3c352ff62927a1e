import type { Firestore } from 'firebase-admin/firestore';
import { archiveIndexSchema, type ArchiveIndex } from '../schema/bundle';
import { parseSnapshot, type ParsedSnapshot, type StoredDocument } from '../schema/common';
import { accountDocPath, subcollectionPath } from '../schema/paths';

/**
 * The archive index, `evidenceArchives/{archiveId}`: one document per stored bundle, written once
 * after its upload. Every read goes through here with one policy: each document is parsed with
 * the full index schema, and a malformed one is logged (`malformed stored document`) and returned
 * apart for the caller to report or refuse, never dropped silently.
 */

export type ArchiveIndexRead =
  | { status: 'absent' }
  | { status: 'ok'; archiveId: string; index: ArchiveIndex }
  | { status: 'malformed'; archiveId: string; path: string; problem: string };

function readDocument(accountId: string, doc: StoredDocument): ArchiveIndexRead {
  const {
    docs: [valid],
    malformed: [bad],
  } = parseSnapshot(archiveIndexSchema, [doc], { accountId, purpose: 'archive index' });
  return valid
    ? { status: 'ok', archiveId: valid.id, index: valid.value }
    : { status: 'malformed', archiveId: bad.id, path: bad.path, problem: bad.problem };
}

/** Newest period first; equal ends by id, descending (the order of a Firestore `desc` query). */
const newestFirst = (
  a: { id: string; value: ArchiveIndex },
  b: { id: string; value: ArchiveIndex },
) => b.value.periodEnd.getTime() - a.value.periodEnd.getTime() || b.id.localeCompare(a.id);

/** Every bundle of the account, newest period first, and the index documents that do not parse. */
export async function listArchiveIndex(
  db: Firestore,
  accountId: string,
): Promise<ParsedSnapshot<ArchiveIndex>> {
  const snapshot = await db.collection(subcollectionPath(accountId, 'evidenceArchives')).get();
  const parsed = parseSnapshot(archiveIndexSchema, snapshot.docs, {
    accountId,
    purpose: 'archive index',
  });
  parsed.docs.sort(newestFirst);
  return parsed;
}

/** One bundle's index document, looked up under the account only. */
export async function readArchiveIndex(
  db: Firestore,
  accountId: string,
  archiveId: string,
): Promise<ArchiveIndexRead> {
  const snap = await db.doc(accountDocPath(accountId, 'evidenceArchives', archiveId)).get();
  return snap.exists ? readDocument(accountId, snap) : { status: 'absent' };
}

/** The bundle whose period ended last at or before `end` (the previous link of the chain). */
export async function latestArchiveEndingBy(
  db: Firestore,
  accountId: string,
  end: Date,
): Promise<ArchiveIndexRead> {
  const snap = await db
    .collection(subcollectionPath(accountId, 'evidenceArchives'))
    .where('periodEnd', '<=', end)
    .orderBy('periodEnd', 'desc')
    .limit(1)
    .get();
  return snap.empty ? { status: 'absent' } : readDocument(accountId, snap.docs[0]);
}

/** Writes a bundle's index document; fails with ALREADY_EXISTS when one is there. */
export async function createArchiveIndex(
  db: Firestore,
  accountId: string,
  archiveId: string,
  index: ArchiveIndex,
): Promise<void> {
  await db.doc(accountDocPath(accountId, 'evidenceArchives', archiveId)).create(index);
}
