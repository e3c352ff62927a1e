import { FieldPath, type Firestore, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import type { ValidationError } from '../domain/errors';
import { parseDocument } from '../schema/common';
import { auditLogSchema, type AuditLog } from '../schema/documents';
import { subcollectionPath } from '../schema/paths';

export type StreamedAuditEvent =
  | { id: string; event: AuditLog }
  | { id: string; malformed: ValidationError; raw: Record<string, unknown> };

/**
 * Every audit event with a timestamp in [periodStart, periodEnd), ordered by timestamp then
 * document id (a total order, so a rerun yields the same sequence). Pages with a cursor on the
 * last document, so memory stays at one page whatever the period holds. A document whose fields
 * fail the schema is yielded as `malformed` with its raw data, never skipped; one whose
 * `timestamp` is not a Timestamp cannot be placed in any period and is not matched by the query.
 */
export async function* streamAuditEvents(
  db: Firestore,
  accountId: string,
  periodStart: Date,
  periodEnd: Date,
  pageSize = 1000,
): AsyncGenerator<StreamedAuditEvent> {
  const base = db
    .collection(subcollectionPath(accountId, 'auditLogs'))
    .where('timestamp', '>=', periodStart)
    .where('timestamp', '<', periodEnd)
    .orderBy('timestamp', 'asc')
    .orderBy(FieldPath.documentId(), 'asc')
    .limit(pageSize);
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    const page = await (last ? base.startAfter(last) : base).get();
    for (const doc of page.docs) {
      const parsed = parseDocument(auditLogSchema, doc.ref.path, doc.data());
      yield parsed.ok
        ? { id: doc.id, event: parsed.value }
        : { id: doc.id, malformed: parsed.error, raw: doc.data() };
    }
    if (page.size < pageSize) return;
    last = page.docs[page.size - 1];
  }
}
