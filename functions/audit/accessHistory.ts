import type { Firestore } from 'firebase-admin/firestore';
import {
  accessHistoryDocSchema,
  accessStateSchema,
  type AccessChange,
  type AccessState,
} from '../schema/audit';
import { parseDocument, parseSnapshot, type MalformedEntry } from '../schema/common';
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

/**
 * The access-history entry for one member write, or undefined when neither role nor departments
 * changed (a `lastActiveAt` bump is not an access change). Pure.
 */
export function accessChangeFor(
  uid: string,
  before: MemberData,
  after: MemberData,
  changedAt: Date,
): (Omit<AccessChange, 'changedAt'> & { changedAt: Date }) | undefined {
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

/** Role and department changes since `since`, newest first (the access review's recent changes). */
export async function recentAccessChanges(
  db: Firestore,
  accountId: string,
  since: Date,
  limit = 100,
): Promise<AccessHistory> {
  const snapshot = await db
    .collection(subcollectionPath(accountId, 'accessHistory'))
    .where('changedAt', '>=', since)
    .orderBy('changedAt', 'desc')
    .limit(limit)
    .get();
  const { docs, malformed } = parseSnapshot(accessHistoryDocSchema, snapshot.docs, {
    accountId,
    purpose: 'access history',
  });
  const changes = docs.map(({ value }) => ({ ...value, changedAt: value.changedAt.toISOString() }));
  return { changes, malformed };
}

/**
 * Stores one access change under an id derived from the CloudEvent, so a redelivered member write
 * is recorded once. Returns false when it had been recorded before.
 */
export async function recordAccessChange(
  db: Firestore,
  accountId: string,
  entryId: string,
  change: NonNullable<ReturnType<typeof accessChangeFor>>,
): Promise<boolean> {
  try {
    await db.doc(accountDocPath(accountId, 'accessHistory', entryId)).create(change);
    return true;
  } catch (error) {
    if (isAlreadyExists(error)) return false;
    throw error;
  }
}
