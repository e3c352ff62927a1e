import type { Firestore } from 'firebase-admin/firestore';
import type { z } from 'zod';
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

/** The index fields the control tests need: a bundle's period and when it was stored. */
export const archiveFactsSchema = archiveIndexSchema.pick({
  status: true,
  periodStart: true,
  periodEnd: true,
  createdAt: true,
});

/** The index fields retention needs: which events a complete bundle covers. */
export const archiveCoverageSchema = archiveIndexSchema.pick({
  status: true,
  periodStart: true,
  periodEnd: true,
});

/**
 * Every bundle of the account, newest period first, and the index documents that do not parse.
 * A reader that needs only some fields passes their projection (`archiveFactsSchema`,
 * `archiveCoverageSchema`): the rest of the document is the bundle's business.
 */
export async function listArchiveIndex<
  S extends z.ZodType<{ periodEnd: Date }> = typeof archiveIndexSchema,
>(db: Firestore, accountId: string, schema?: S): Promise<ParsedSnapshot<z.output<S>>> {
  const snapshot = await db.collection(subcollectionPath(accountId, 'evidenceArchives')).get();
  const parsed = parseSnapshot(schema ?? archiveIndexSchema, snapshot.docs, {
    accountId,
    purpose: 'archive index',
  }) as ParsedSnapshot<z.output<S>>;
  // Newest period first; equal ends by id, descending (the order of a Firestore `desc` query).
  parsed.docs.sort(
    (a, b) => b.value.periodEnd.getTime() - a.value.periodEnd.getTime() || b.id.localeCompare(a.id),
  );
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

/** The bundle whose period ends last: the tip of the account's chain. */
export async function latestArchive(db: Firestore, accountId: string): Promise<ArchiveIndexRead> {
  const snap = await db
    .collection(subcollectionPath(accountId, 'evidenceArchives'))
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
