/**
 * Entry file: declares the deployed functions and nothing else. Each one is a few lines that hand
 * over to a handler module.
 */
import { onDocumentCreated, onDocumentWritten } from 'firebase-functions/v2/firestore';
import { onRequest } from 'firebase-functions/v2/https';
import { apiSecrets } from './config';
import { makeAccessHistoryHandler } from './handlers/accessHistoryTrigger';
import { makeApiHandler } from './handlers/api';
import { makeAuditRollupHandler } from './handlers/auditRollupTrigger';

/** `/api/**` (Hosting rewrite) — evidence report, archives, audit-log query, public key. */
export const api = onRequest({ secrets: apiSecrets, cors: false }, makeApiHandler());

/** Per-day, sharded audit rollups; retried on failure, deduplicated per CloudEvent. */
export const auditRollup = onDocumentCreated(
  { document: 'accounts/{accountId}/auditLogs/{eventId}', retry: true },
  makeAuditRollupHandler(),
);

/** Role and department changes of members → server-only access history. */
export const memberAccessHistory = onDocumentWritten(
  { document: 'accounts/{accountId}/members/{uid}', retry: true },
  makeAccessHistoryHandler(),
);
