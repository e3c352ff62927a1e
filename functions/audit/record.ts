import { createHash } from 'node:crypto';
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import type { Caller } from '../domain/caller';
import { invalidArgument } from '../domain/errors';
import { auditEventInputSchema, type AuditEventInput } from '../schema/audit';
import { documentId, parseInput } from '../schema/common';
import { subcollectionPath } from '../schema/paths';
import { isAlreadyExists } from '../adapters/firestoreErrors';

/** Same account and key → same document id, so a retried call finds its first write. */
export function auditEventIdFor(accountId: string, idempotencyKey: string): string {
  return createHash('sha256').update(`${accountId}|${idempotencyKey}`).digest('hex').slice(0, 32);
}

/**
 * The helper the host product calls to record an audit event. Input is validated by the audit-log
 * schema (bad input throws invalid_argument and writes nothing); the server clock stamps events
 * given without a timestamp. With an idempotency key, a retry of the same call records nothing
 * new and reports `created: false`.
 */
export async function recordAuditEvent(
  db: Firestore,
  accountId: string,
  input: AuditEventInput,
  options: { idempotencyKey?: string } = {},
): Promise<{ id: string; created: boolean }> {
  const account = documentId.safeParse(accountId);
  if (!account.success) throw invalidArgument(`accountId: ${account.error.issues[0].message}`);
  const { timestamp, ...fields } = parseInput(auditEventInputSchema, input);
  const events = db.collection(subcollectionPath(accountId, 'auditLogs'));
  const ref =
    options.idempotencyKey === undefined
      ? events.doc()
      : events.doc(auditEventIdFor(accountId, options.idempotencyKey));
  try {
    await ref.create({ ...fields, timestamp: timestamp ?? FieldValue.serverTimestamp() });
    return { id: ref.id, created: true };
  } catch (error) {
    if (isAlreadyExists(error)) return { id: ref.id, created: false };
    throw error;
  }
}

/**
 * A successful change an API caller made to one resource (a finding, a review, an evidence item),
 * recorded as the caller's own audit event in the caller's account.
 */
export function recordCallerAction(
  db: Firestore,
  caller: Caller,
  action: Pick<AuditEventInput, 'action' | 'resourceType' | 'details'> & {
    resourceId: string;
    timestamp: Date;
  },
) {
  const { details, ...event } = action;
  return recordAuditEvent(db, caller.accountId, {
    ...event,
    actorId: caller.uid,
    ...(caller.email ? { actorEmail: caller.email } : {}),
    result: 'success',
    ...(details ? { details } : {}),
  });
}
