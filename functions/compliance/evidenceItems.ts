import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import {
  ObjectExistsError,
  StorageUnavailableError,
  type EvidenceStore,
} from '../adapters/storage';
import { recordCallerAction } from '../audit/record';
import { sha256OfStream } from '../bundle/streamHash';
import type { Caller } from '../domain/caller';
import { failedPrecondition, notFound, unavailable, unsupportedMediaType } from '../domain/errors';
import { listedById, parseDocument, parseSnapshot } from '../schema/common';
import {
  evidenceItemDocSchema,
  evidenceItemView,
  type CreateEvidenceItemBody,
  type EvidenceItemDoc,
  type StoredEvidenceItemDoc,
} from '../schema/evidenceItems';
import { accountDocPath, subcollectionPath } from '../schema/paths';

/**
 * Evidence items (CONTRACT §10): registered by people (level ≥ 60), their file uploaded once and
 * kept in Cloud Storage under the account; the server records the SHA-256 and size of the bytes it
 * received. Every write is followed by its audit event; the write itself triggers the control
 * re-evaluation (functions/index.ts, evidenceCacheEvidenceItems).
 */

export const evidenceItemObjectPath = (accountId: string, itemId: string, fileName: string) =>
  `accounts/${accountId}/evidence-items/${itemId}/${fileName}`;

const itemRef = (deps: Pick<Deps, 'db'>, accountId: string, itemId: string) =>
  deps.db.doc(accountDocPath(accountId, 'evidenceItems', itemId));

function audit(deps: Deps, caller: Caller, action: string, itemId: string, details?: object) {
  return recordCallerAction(deps.db, caller, {
    timestamp: deps.now(),
    action,
    resourceType: 'evidence_item',
    resourceId: itemId,
    details: details && { after: details },
  });
}

export async function createEvidenceItem(deps: Deps, caller: Caller, body: CreateEvidenceItemBody) {
  const now = deps.now();
  const id = randomUUID();
  const doc: EvidenceItemDoc = {
    title: body.title,
    criteria: body.criteria,
    kind: body.kind ?? null,
    effectiveAt: new Date(body.effectiveAt),
    expiresAt: body.expiresAt === undefined ? null : new Date(body.expiresAt),
    fileName: body.fileName,
    contentType: body.contentType,
    objectPath: evidenceItemObjectPath(caller.accountId, id, body.fileName),
    createdAt: now,
    createdBy: caller.uid,
    state: 'awaiting_upload',
  };
  await itemRef(deps, caller.accountId, id).create(doc);
  await audit(deps, caller, 'evidence_item.create', id);
  return evidenceItemView(id, doc, now);
}

/**
 * The account's items (narrowed by any of `criteria` and by `state`) that parse, newest effective
 * date first, and those that do not (logged, listed by id).
 */
export async function listEvidenceItems(
  deps: Pick<Deps, 'db'>,
  accountId: string,
  filter: { criteria?: string[]; state?: EvidenceItemDoc['state'] } = {},
) {
  const snapshot = await deps.db.collection(subcollectionPath(accountId, 'evidenceItems')).get();
  const { docs, malformed } = parseSnapshot(evidenceItemDocSchema, snapshot.docs, {
    accountId,
    purpose: 'evidence items',
  });
  const matching = docs
    .filter(({ value }) => !filter.state || value.state === filter.state)
    .filter(
      ({ value }) => !filter.criteria || value.criteria.some((c) => filter.criteria!.includes(c)),
    )
    .sort(
      (a, b) =>
        b.value.effectiveAt.getTime() - a.value.effectiveAt.getTime() || a.id.localeCompare(b.id),
    );
  return { docs: matching, malformed: listedById(malformed) };
}

/** One item of the account: 404 when absent; a malformed one cannot be acted on (409). */
export async function readEvidenceItem(
  deps: Pick<Deps, 'db'>,
  accountId: string,
  itemId: string,
  tx?: FirebaseFirestore.Transaction,
): Promise<EvidenceItemDoc> {
  const ref = itemRef(deps, accountId, itemId);
  const snap = tx ? await tx.get(ref) : await ref.get();
  if (!snap.exists) throw notFound(`No evidence item ${itemId} in account ${accountId}.`);
  const parsed = parseDocument(evidenceItemDocSchema, ref.path, snap.data());
  if (!parsed.ok) {
    logger.error('malformed evidence item', { path: ref.path, problem: parsed.error.message });
    throw failedPrecondition(
      `Evidence item ${itemId} is stored in an invalid shape; ask an operator.`,
    );
  }
  return parsed.value;
}

const alreadyStored = (itemId: string) =>
  failedPrecondition(`Evidence item ${itemId} already has its content; it is written once.`, {
    state: 'stored',
  });

/** `type/subtype` of a Content-Type header, lower-case, parameters dropped. */
const mediaTypeOf = (header: string | undefined) => header?.split(';')[0].trim().toLowerCase();

/**
 * The upload must say it is what was registered: the registered type is what downloads are served
 * as, so a different one is refused (415) rather than silently relabelled.
 */
function requireRegisteredType(doc: EvidenceItemDoc, header: string | undefined): void {
  const sent = mediaTypeOf(header);
  if (sent !== doc.contentType) {
    throw unsupportedMediaType(
      `Send the file with Content-Type: ${doc.contentType} (as registered), not ${sent ? `"${sent}"` : 'without a Content-Type'}.`,
    );
  }
}

/** A dropped Storage connection is tried once more with the same bytes before the 503. */
const STORAGE_WRITE_ATTEMPTS = 2;
const STORAGE_RETRY_AFTER_SECONDS = 5;

/**
 * Writes the bytes once. An object already there is this upload's own only when it holds the same
 * bytes (an earlier attempt stopped between the upload and the document update, or its connection
 * broke after Storage had the object): then the item is completed from it; any other object means
 * the content was written already (409). The write-once precondition is what makes trying again
 * after a dropped connection safe.
 */
async function writeContent(
  store: EvidenceStore,
  itemId: string,
  doc: EvidenceItemDoc,
  bytes: Buffer,
  sha256: string,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.writeOnce(doc.objectPath, doc.contentType, Readable.from([bytes]));
      return;
    } catch (error) {
      if (error instanceof ObjectExistsError) {
        return completeFromStoredObject(store, itemId, doc, bytes, sha256);
      }
      if (!(error instanceof StorageUnavailableError)) throw error;
      logger.warn('evidence item upload hit a storage transport error', {
        objectPath: doc.objectPath,
        attempt,
        reason: error.reason,
      });
      if (attempt === STORAGE_WRITE_ATTEMPTS) {
        throw unavailable(
          'Storage did not take the file; send the same upload again shortly.',
          STORAGE_RETRY_AFTER_SECONDS,
        );
      }
    }
  }
}

async function completeFromStoredObject(
  store: EvidenceStore,
  itemId: string,
  doc: EvidenceItemDoc,
  bytes: Buffer,
  sha256: string,
) {
  const stored = await sha256OfStream(store.createReadStream(doc.objectPath));
  if (stored.sha256 !== sha256 || stored.size !== bytes.length) throw alreadyStored(itemId);
  logger.warn('evidence item completed from an object an earlier upload left', {
    objectPath: doc.objectPath,
  });
}

/**
 * `PUT …/content`: stores the bytes under the account and moves the item to `stored` with the
 * SHA-256 and size the server computed from what it received.
 */
export async function storeEvidenceContent(
  deps: Deps,
  caller: Caller,
  itemId: string,
  upload: { bytes: Buffer; contentType: string | undefined },
) {
  const current = await readEvidenceItem(deps, caller.accountId, itemId);
  if (current.state === 'stored') throw alreadyStored(itemId);
  requireRegisteredType(current, upload.contentType);
  const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
  await writeContent(deps.evidenceStore(), itemId, current, upload.bytes, sha256);
  const now = deps.now();
  const stored = await deps.db.runTransaction(async (tx) => {
    const doc = await readEvidenceItem(deps, caller.accountId, itemId, tx);
    if (doc.state === 'stored') throw alreadyStored(itemId);
    const next: StoredEvidenceItemDoc = {
      ...doc,
      state: 'stored',
      sha256,
      size: upload.bytes.length,
      storedAt: now,
      storedBy: caller.uid,
    };
    tx.set(itemRef(deps, caller.accountId, itemId), next);
    return next;
  });
  await audit(deps, caller, 'evidence_item.upload', itemId, { sha256, size: stored.size });
  return evidenceItemView(itemId, stored, now);
}

/** The stored item whose file a download link may point at: 409 while it awaits its upload. */
export async function downloadableItem(deps: Pick<Deps, 'db'>, accountId: string, itemId: string) {
  const doc = await readEvidenceItem(deps, accountId, itemId);
  if (doc.state !== 'stored') {
    throw failedPrecondition(`Evidence item ${itemId} has no content yet; upload it first.`, {
      state: doc.state,
    });
  }
  return doc;
}

const isStored = (item: {
  value: EvidenceItemDoc;
}): item is { id: string; value: StoredEvidenceItemDoc } => item.value.state === 'stored';

/** Stored items whose effective date lies in [start, end): what a bundle of that period holds. */
export async function storedItemsEffectiveIn(
  deps: Pick<Deps, 'db'>,
  accountId: string,
  start: Date,
  end: Date,
): Promise<{ id: string; value: StoredEvidenceItemDoc }[]> {
  const { docs } = await listEvidenceItems(deps, accountId);
  return docs
    .filter(isStored)
    .filter(({ value }) => value.effectiveAt >= start && value.effectiveAt < end);
}
