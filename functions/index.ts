/**
 * Entry file: declares the deployed functions and nothing else. Each one is a few lines that hand
 * over to a handler module.
 */
import { onDocumentCreated, onDocumentWritten } from 'firebase-functions/v2/firestore';
import { onRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { apiSecrets, cacheSecrets, REPORT_QUEUE } from './config';
import { makeAccessHistoryHandler } from './handlers/accessHistoryTrigger';
import { makeAccessReviewFollowUpHandler } from './handlers/accessReviewFollowUpTrigger';
import { makeApiHandler } from './handlers/api';
import { makeAuditCompactionHandler } from './handlers/auditCompactionJob';
import { makeAuditRetentionHandler } from './handlers/auditRetentionJob';
import { makeAuditRollupHandler } from './handlers/auditRollupTrigger';
import { makeDailyControlEvaluationHandler } from './handlers/controlEvaluationJob';
import { makeEvidenceCacheInvalidationHandler } from './handlers/evidenceCacheTrigger';
import { makeQuarterlyArchiveHandler, makeReportTaskHandler } from './handlers/reportJobs';
import { makeResourceDigestHandler } from './handlers/resourceDigestTrigger';

/** `/api/**` (Hosting rewrite) — evidence report, archives, report jobs, audit-log query, public key. */
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

/** Resource writes → the resource digest the evidence report reads instead of every resource. */
export const resourceDigest = onDocumentWritten(
  { document: 'accounts/{accountId}/resources/{resourceId}', retry: true },
  makeResourceDigestHandler(),
);

/** Member writes → signed-off revoke and change_role decisions on that member marked remediated. */
export const accessReviewFollowUp = onDocumentWritten(
  { document: 'accounts/{accountId}/members/{uid}', retry: true },
  makeAccessReviewFollowUpHandler(),
);

/**
 * Closed audit days summed into one document each (after the 1 h compaction delay), so the
 * 30-day summary reads ~30 documents plus today's shards; hourly, so a day a late event reopened
 * is compacted again soon.
 */
export const auditCompaction = onSchedule(
  { schedule: 'every 60 minutes', timeZone: 'UTC', timeoutSeconds: 1800 },
  makeAuditCompactionHandler(),
);

/** Daily audit-log retention; deletes only what a signed bundle holds. Rollups are kept. */
export const auditRetention = onSchedule(
  { schedule: 'every day 03:30', timeZone: 'UTC' },
  makeAuditRetentionHandler(),
);

/** 04:00 UTC daily: every enterprise account's control tests; automatic findings open/close. */
export const evaluateControlsDaily = onSchedule(
  { schedule: 'every day 04:00', timeZone: 'UTC', secrets: cacheSecrets, timeoutSeconds: 1800 },
  makeDailyControlEvaluationHandler(),
);

/**
 * Writes that change evidence drop the account's cached report and re-evaluate its controls soon
 * after (one trigger per collection).
 */
const invalidatesEvidence = (document: string) =>
  onDocumentWritten(
    { document: `accounts/{accountId}/${document}`, secrets: cacheSecrets },
    makeEvidenceCacheInvalidationHandler(),
  );
export const evidenceCacheMembers = invalidatesEvidence('members/{uid}');
export const evidenceCacheDepartments = invalidatesEvidence('departments/{departmentId}');
export const evidenceCacheResources = invalidatesEvidence('resources/{resourceId}');
export const evidenceCacheApiKeys = invalidatesEvidence('apiKeys/{keyId}');
export const evidenceCacheSettings = invalidatesEvidence('settings/{settingId}');
export const evidenceCacheBlockedIps = invalidatesEvidence('blockedIps/{ipId}');
export const evidenceCacheSecurityEvents = invalidatesEvidence('securityEvents/{eventId}');
// Written by memberAccessHistory after the member write that already invalidated: a report built
// in between would otherwise keep the access change out of the cache for its whole TTL. The raw
// entry is written first, its digest shard (what a built account's report reads) after it.
export const evidenceCacheAccessHistory = invalidatesEvidence('accessHistory/{changeId}');
export const evidenceCacheAccessRecent = invalidatesEvidence('accessRecent/{shardId}');
// Written by resourceDigest after the resource write that already invalidated, like access history.
export const evidenceCacheResourceDigest = invalidatesEvidence('resourceDigest/{shardId}'); // A bundle index moving to complete changes the quarterly-bundle control.
export const evidenceCacheArchives = invalidatesEvidence('evidenceArchives/{archiveId}');
// Registering or storing an evidence item changes the controls that need such evidence.
export const evidenceCacheEvidenceItems = invalidatesEvidence('evidenceItems/{itemId}');

// Decisions, sign-off and follow-up all update the review document (the entries are many and
// change with it), so one trigger on reviews re-evaluates the access-review control.
export const evidenceCacheAccessReviews = invalidatesEvidence('accessReviews/{reviewId}');

/** 02:00 UTC on the first day of each quarter: queue the ended quarter's bundle job per account. */
export const archiveQuarterlyEvidence = onSchedule(
  { schedule: '0 2 1 1,4,7,10 *', timeZone: 'UTC', retryCount: 3 },
  makeQuarterlyArchiveHandler(),
);

/**
 * Report jobs and bundles (POST /api/soc2-archives, POST /api/compliance/reports, the quarterly
 * schedule): own retries, bounded concurrency, idempotent. Exported under REPORT_QUEUE's name.
 */
export const buildReportJob = onTaskDispatched(
  {
    secrets: apiSecrets,
    retryConfig: REPORT_QUEUE.retryConfig,
    rateLimits: { maxConcurrentDispatches: REPORT_QUEUE.maxConcurrentDispatches },
    timeoutSeconds: REPORT_QUEUE.timeoutSeconds,
    // The bundle of a 50,000-member account peaked at 1.8 GB RSS (bench/largeMembership.ts).
    memory: '4GiB',
  },
  makeReportTaskHandler(),
);
