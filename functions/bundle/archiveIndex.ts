import type { Firestore } from 'firebase-admin/firestore';
import type { z } from 'zod';
import {
  archiveIndexDocSchema,
  archiveStateChunkSchema,
  type ArchiveIndex,
  type ArchiveIndexDoc,
  type ArchiveStateChunk,
} from '../schema/bundle';
import { parseSnapshot, type ParsedSnapshot, type StoredDocument } from '../schema/common';
import { accountDocPath, subcollectionPath } from '../schema/paths';

/**
 * The archive index, `evidenceArchives/{archiveId}`: one document per stored bundle, written once
 * after its upload, with the state snapshot's per-member and per-key maps in `stateChunks/{n}`
 * documents beside it (one document would stop at about 20,000 members). Every read goes through
 * here with one policy: each document is parsed with its schema, and a malformed one is logged
 * (`malformed stored document`) and returned apart for the caller to report or refuse, never
 * dropped silently.
 */

export type ArchiveIndexRead =
  | { status: 'absent' }
  | { status: 'ok'; archiveId: string; index: ArchiveIndex }
  | { status: 'malformed'; archiveId: string; path: string; problem: string };

/** Bounds of one chunk document: well under 1 MiB and Firestore's 40,000 index entries. */
export const STATE_CHUNK_BYTES = 400_000;
export const STATE_CHUNK_ENTRIES = 10_000;

const STATE_CHUNKS = 'stateChunks';
const chunkId = (n: number) => String(n).padStart(4, '0');

/** The state's member and key maps cut into chunks that each stay within the bounds. */
export function chunkState(state: ArchiveIndex['state']): ArchiveStateChunk[] {
  const chunks: ArchiveStateChunk[] = [];
  let current: ArchiveStateChunk = { members: {}, apiKeys: {} };
  let bytes = 0;
  let entries = 0;
  const add = <K extends keyof ArchiveStateChunk>(
    part: K,
    key: string,
    value: ArchiveStateChunk[K][string],
  ) => {
    const size = Buffer.byteLength(JSON.stringify([key, value]));
    if (entries > 0 && (bytes + size > STATE_CHUNK_BYTES || entries >= STATE_CHUNK_ENTRIES)) {
      chunks.push(current);
      current = { members: {}, apiKeys: {} };
      bytes = 0;
      entries = 0;
    }
    (current[part] as Record<string, unknown>)[key] = value;
    bytes += size;
    entries++;
  };
  for (const [uid, role] of Object.entries(state.members ?? {})) add('members', uid, role);
  for (const [id, key] of Object.entries(state.apiKeys ?? {})) add('apiKeys', id, key);
  if (entries > 0) chunks.push(current);
  return chunks;
}

function malformedRead(doc: StoredDocument, problem: string): ArchiveIndexRead {
  return { status: 'malformed', archiveId: doc.id, path: doc.ref.path, problem };
}

/** One index document with its state chunks read back into one ArchiveIndex. */
async function readDocument(
  db: Firestore,
  accountId: string,
  doc: StoredDocument,
): Promise<ArchiveIndexRead> {
  const context = { accountId, purpose: 'archive index' };
  const {
    docs: [valid],
    malformed: [bad],
  } = parseSnapshot(archiveIndexDocSchema, [doc], context);
  if (!valid) return malformedRead(doc, bad.problem);
  const { membersKnown, apiKeysKnown, chunks: expected, ...state } = valid.value.state;
  const refs = Array.from({ length: expected }, (_, n) =>
    db.doc(`${doc.ref.path}/${STATE_CHUNKS}/${chunkId(n)}`),
  );
  const stored = refs.length === 0 ? [] : await db.getAll(...refs);
  const missing = stored.find((chunk) => !chunk.exists);
  if (missing) return malformedRead(doc, `state chunk ${missing.id} is missing`);
  const chunks = parseSnapshot(archiveStateChunkSchema, stored, context);
  if (chunks.malformed.length > 0) return malformedRead(doc, chunks.malformed[0].problem);
  const merged = chunks.docs.reduce<ArchiveStateChunk>(
    (all, { value }) => ({
      members: Object.assign(all.members, value.members),
      apiKeys: Object.assign(all.apiKeys, value.apiKeys),
    }),
    { members: {}, apiKeys: {} },
  );
  const index: ArchiveIndex = {
    ...valid.value,
    state: {
      ...state,
      members: membersKnown ? merged.members : null,
      apiKeys: apiKeysKnown ? merged.apiKeys : null,
    },
  };
  return { status: 'ok', archiveId: valid.id, index };
}

/** The index fields the control tests need: a bundle's period and when it was stored. */
export const archiveFactsSchema = archiveIndexDocSchema.pick({
  status: true,
  periodStart: true,
  periodEnd: true,
  createdAt: true,
});

/** The index fields retention needs: which events a complete bundle covers. */
export const archiveCoverageSchema = archiveIndexDocSchema.pick({
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
  S extends z.ZodType<{ periodEnd: Date }> = typeof archiveIndexDocSchema,
>(db: Firestore, accountId: string, schema?: S): Promise<ParsedSnapshot<z.output<S>>> {
  const snapshot = await db.collection(subcollectionPath(accountId, 'evidenceArchives')).get();
  const parsed = parseSnapshot(schema ?? archiveIndexDocSchema, snapshot.docs, {
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
  return snap.exists ? readDocument(db, accountId, snap) : { status: 'absent' };
}

/** The bundle whose period ends last: the tip of the account's chain. */
export async function latestArchive(db: Firestore, accountId: string): Promise<ArchiveIndexRead> {
  const snap = await db
    .collection(subcollectionPath(accountId, 'evidenceArchives'))
    .orderBy('periodEnd', 'desc')
    .limit(1)
    .get();
  return snap.empty ? { status: 'absent' } : readDocument(db, accountId, snap.docs[0]);
}

/**
 * Writes a bundle's index document and its state chunks in one batch; fails with ALREADY_EXISTS
 * when the index document is there (chunks left by a deleted index are overwritten).
 */
export async function createArchiveIndex(
  db: Firestore,
  accountId: string,
  archiveId: string,
  index: ArchiveIndex,
): Promise<void> {
  const ref = db.doc(accountDocPath(accountId, 'evidenceArchives', archiveId));
  const chunks = chunkState(index.state);
  const { members, apiKeys, ...state } = index.state;
  const doc: ArchiveIndexDoc = {
    ...index,
    state: {
      ...state,
      membersKnown: members !== null,
      apiKeysKnown: apiKeys !== null,
      chunks: chunks.length,
    },
  };
  const batch = db.batch().create(ref, doc);
  chunks.forEach((chunk, n) => batch.set(ref.collection(STATE_CHUNKS).doc(chunkId(n)), chunk));
  await batch.commit();
}
