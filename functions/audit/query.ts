import { createHash } from 'node:crypto';
import { FieldPath, Timestamp, type Firestore, type Query } from 'firebase-admin/firestore';
import { invalidArgument } from '../domain/errors';
import {
  AUDIT_QUERY_FILTERS,
  auditPageCursorSchema,
  type AuditLogQuery,
  type AuditPageCursor,
} from '../schema/audit';
import { TIMESTAMP_MAX_SECONDS, TIMESTAMP_MIN_SECONDS } from '../schema/api';
import { parseDocument } from '../schema/common';
import { auditLogSchema } from '../schema/documents';
import { subcollectionPath } from '../schema/paths';

export const DEFAULT_PAGE_SIZE = 100;

const EARLIEST = new Timestamp(TIMESTAMP_MIN_SECONDS, 0);
const LATEST = new Timestamp(TIMESTAMP_MAX_SECONDS, 999_999_999);

/**
 * Binds a page token to the account and filters it was issued for (page size may change between
 * pages). Instants are normalised so equivalent ISO spellings give the same hash.
 */
export function queryHash(query: AuditLogQuery): string {
  const canonical = JSON.stringify([
    query.accountId,
    ...AUDIT_QUERY_FILTERS.map((f) => query[f] ?? null),
    query.start ? new Date(query.start).toISOString() : null,
    query.end ? new Date(query.end).toISOString() : null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

export function encodePageToken(cursor: AuditPageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

const INVALID_TOKEN = 'pageToken is invalid; start again without it.';

/** The cursor in a token, refused (400) when garbled or issued for another query or account. */
export function decodePageToken(token: string, expectedHash: string): AuditPageCursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidArgument(INVALID_TOKEN);
  }
  const parsed = auditPageCursorSchema.safeParse(json);
  if (!parsed.success) throw invalidArgument(INVALID_TOKEN);
  if (parsed.data.q !== expectedHash) {
    throw invalidArgument('pageToken belongs to a different query; start again without it.');
  }
  return parsed.data;
}

/** Firestore values as JSON: Timestamps become ISO-8601 strings, at any depth. */
export function toJson(value: unknown): unknown {
  if (value instanceof Timestamp) return value.toDate().toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

export interface AuditLogPage {
  events: Record<string, unknown>[];
  nextPageToken: string | null;
}

/**
 * Newest first by (timestamp, document id): a total order, so a cursor on the last returned
 * event neither repeats nor skips an event, and events inserted meanwhile (newer, in practice)
 * do not shift the pages already served. Each equality-filter combination has its composite
 * index in firestore.indexes.json.
 */
export async function queryAuditLogs(db: Firestore, query: AuditLogQuery): Promise<AuditLogPage> {
  const hash = queryHash(query);
  const cursor = query.pageToken ? decodePageToken(query.pageToken, hash) : undefined;
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  let q: Query = db.collection(subcollectionPath(query.accountId, 'auditLogs'));
  for (const field of AUDIT_QUERY_FILTERS) {
    const value = query[field];
    if (value !== undefined) q = q.where(field, '==', value);
  }
  // Always a Timestamp range: a document whose `timestamp` has another type has no place on the
  // time line (the rollups count it as malformed) and could not anchor a cursor.
  q = q
    .where('timestamp', '>=', query.start ? new Date(query.start) : EARLIEST)
    .where('timestamp', '<', query.end ? new Date(query.end) : LATEST);
  q = q.orderBy('timestamp', 'desc').orderBy(FieldPath.documentId(), 'desc');
  if (cursor) q = q.startAfter(new Timestamp(cursor.s, cursor.n), cursor.id);
  // One extra document tells whether another page exists without a second query.
  const snapshot = await q.limit(pageSize + 1).get();
  const docs = snapshot.docs.slice(0, pageSize);
  const events = docs.map((doc) => {
    const data = doc.data();
    const parsed = parseDocument(auditLogSchema, doc.ref.path, data);
    return {
      id: doc.id,
      ...(toJson(data) as Record<string, unknown>),
      // A malformed event is still listed (never silently dropped), with what is wrong with it.
      ...(parsed.ok ? {} : { malformed: parsed.error.issues }),
    };
  });
  const last = docs[docs.length - 1];
  const lastStamp = last?.get('timestamp') as Timestamp | undefined;
  return {
    events,
    nextPageToken:
      snapshot.size > pageSize && last && lastStamp
        ? encodePageToken({ s: lastStamp.seconds, n: lastStamp.nanoseconds, id: last.id, q: hash })
        : null,
  };
}
