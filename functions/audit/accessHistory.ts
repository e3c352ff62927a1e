import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import {
  accessHistoryDocSchema,
  accessStateSchema,
  type AccessChange,
  type AccessState,
} from '../schema/audit';
import {
  parseDocument,
  parseSnapshot,
  type MalformedEntry,
  type StoredDocument,
} from '../schema/common';
import { memberSchema } from '../schema/documents';
import { accountDocPath, subcollectionPath } from '../schema/paths';
import { isAlreadyExists } from '../adapters/firestoreErrors';

type MemberData = Record<string, unknown> | undefined;

/**
 * Role and departments of a member document as far as they can be read. A document that fails
 * the member schema still has its access fields recorded (an auditor must see the change) and is
 * reported by the caller.
 */
export function accessStateOf(data: MemberData): AccessState {
  if (!data) return {};
  const lenient = accessStateSchema.safeParse({
    role: typeof data.role === 'string' ? data.role : undefined,
    departments:
      Array.isArray(data.departments) && data.departments.every((d) => typeof d === 'string')
        ? data.departments
        : undefined,
  });
  return lenient.success ? lenient.data : {};
}

const sameDepartments = (a?: readonly string[], b?: readonly string[]) =>
  JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...(b ?? [])].sort());

/** An access change as `recordAccessChange` stores it. */
export type RecordedAccessChange = Omit<AccessChange, 'changedAt'> & { changedAt: Date };

/**
 * The access-history entry for one member write, or undefined when neither role nor departments
 * changed (a `lastActiveAt` bump is not an access change). Pure.
 */
export function accessChangeFor(
  uid: string,
  before: MemberData,
  after: MemberData,
  changedAt: Date,
): RecordedAccessChange | undefined {
  if (!before && !after) return undefined;
  const was = accessStateOf(before);
  const now = accessStateOf(after);
  const kind = !before ? 'created' : !after ? 'deleted' : 'updated';
  if (
    kind === 'updated' &&
    was.role === now.role &&
    sameDepartments(was.departments, now.departments)
  ) {
    return undefined;
  }
  const updatedBy = after?.updatedBy;
  return {
    uid,
    kind,
    before: was,
    after: now,
    changedAt,
    ...(typeof updatedBy === 'string' && updatedBy ? { changedBy: updatedBy } : {}),
  };
}

/** Whether a member document is malformed, for the trigger's log line. */
export function memberProblem(path: string, data: MemberData): string | undefined {
  if (!data) return undefined;
  const parsed = parseDocument(memberSchema, path, data);
  return parsed.ok ? undefined : parsed.error.message;
}

/** Access changes that parsed, and the stored entries that did not (reported, never dropped). */
export interface AccessHistory {
  changes: AccessChange[];
  malformed: MalformedEntry[];
}

/**
 * Parses access-history entries in their order: each valid one becomes a change, each malformed
 * one is logged and listed (raw entries and the accessRecent digest's copies alike).
 */
export function accessHistoryOf(accountId: string, docs: readonly StoredDocument[]): AccessHistory {
  const { docs: valid, malformed } = parseSnapshot(accessHistoryDocSchema, docs, {
    accountId,
    purpose: 'access history',
  });
  const changes = valid.map(({ value }) => ({
    ...value,
    changedAt: value.changedAt.toISOString(),
  }));
  return { changes, malformed };
}

/** Timestamp's earliest value: `changedAt >=` it keeps every Timestamp and nothing else. */
const EARLIEST = new Timestamp(-62_135_596_800, 0);

/**
 * The stored entries changed since `since` (any time when not given), newest first, at most
 * `limit`: one read each. Firestore breaks `changedAt` ties by document id, descending.
 */
export async function newestAccessEntries(
  db: Firestore,
  accountId: string,
  limit: number,
  since: Date | Timestamp = EARLIEST,
) {
  const snapshot = await db
    .collection(subcollectionPath(accountId, 'accessHistory'))
    .where('changedAt', '>=', since)
    .orderBy('changedAt', 'desc')
    .limit(limit)
    .get();
  return snapshot.docs;
}

/** Role and department changes since `since`, newest first, from the stored entries themselves. */
export async function recentAccessChanges(
  db: Firestore,
  accountId: string,
  since: Date,
  limit = 100,
): Promise<AccessHistory> {
  return accessHistoryOf(accountId, await newestAccessEntries(db, accountId, limit, since));
}

/**
 * Stores one access change under an id derived from the CloudEvent, so a redelivered member write
 * is recorded once. Returns false when it had been recorded before.
 */
export async function recordAccessChange(
  db: Firestore,
  accountId: string,
  entryId: string,
  change: RecordedAccessChange,
): Promise<boolean> {
  try {
    await db.doc(accountDocPath(accountId, 'accessHistory', entryId)).create(change);
    return true;
  } catch (error) {
    if (isAlreadyExists(error)) return false;
    throw error;
  }
}
