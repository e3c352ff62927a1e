/**
 * Firestore paths. Host-written collections follow CONTRACT §2; the server-only collections
 * (names are ours, documented in the README) are written by the admin SDK alone: firestore.rules
 * lets members of level ≥ 15 read them and no client write them.
 */
export const COLLECTIONS = {
  accounts: 'accounts',
  members: 'members',
  departments: 'departments',
  resources: 'resources',
  apiKeys: 'apiKeys',
  auditLogs: 'auditLogs',
  securityEvents: 'securityEvents',
  blockedIps: 'blockedIps',
  settings: 'settings',
  // Server-only:
  /**
   * `auditRollups/{YYYY-MM-DD}_{shard 00..09}`: counters for the events of one UTC day (the
   * event's own timestamp) hashed to one shard (schema/audit.ts rollupShardSchema).
   * `auditRollups/{day}_{shard}/deliveries/{function}:{cloudEventId}`: dedupe markers, created in
   * the same batch as the increments so a redelivered event changes nothing.
   */
  auditRollups: 'auditRollups',
  /**
   * `auditDays/{YYYY-MM-DD}`: one closed day's rollup shards summed into one document
   * (auditDaySchema), written by the compaction job and deleted by a late event of that day.
   */
  auditDays: 'auditDays',
  /**
   * `auditWindow/closedDays`: the compacted days of the summary window summed into one document
   * (auditWindowSchema), rebuilt by the compaction job and deleted by a late event.
   */
  auditWindow: 'auditWindow',
  /**
   * `resourceDigest/shard-{0..3}`: the fields of every resource the access review reads, kept by
   * a trigger on resource writes, so a report reads a few documents instead of every resource
   * (resourceDigestShardSchema, schema/digests.ts; report/resourceDigest.ts).
   */
  resourceDigest: 'resourceDigest',
  /** `accessHistory/{cloudEventId}`: one role/department change of a member (accessHistoryDocSchema). */
  accessHistory: 'accessHistory',
  /**
   * `accessRecent/{shard 00..09}`: the newest access-history entries whose id hashes to that shard
   * (accessRecentShardSchema), so the report's recent changes read ≤ 11 documents instead of 100;
   * `accessRecent/state`: written once the account's older entries were merged in
   * (accessRecentStateSchema). Until then reports read accessHistory.
   */
  accessRecent: 'accessRecent',
  evidenceArchives: 'evidenceArchives',
  /**
   * `controlResults/{controlId}`: latest automated test result and auto-finding cycle
   * (controlStateDocSchema); `controlResults/{controlId}/days/{YYYY-MM-DD}`: first/last result of
   * each UTC day (controlDayDocSchema), for period exports.
   */
  controlResults: 'controlResults',
  /**
   * `controlEvaluation/state`: when evidence last changed and which evaluation run holds the
   * lease (controlEvaluationStateSchema), so bursts of evidence writes coalesce into few runs.
   */
  controlEvaluation: 'controlEvaluation',
  /** `findings/{id}`: manual findings (random id) and automatic ones (`auto-{controlId}-{cycle}`). */
  findings: 'findings',
  /** `incidents/{id}`: security incidents with timeline and change history (incidentDocSchema). */
  incidents: 'incidents',
  /**
   * `reportJobs/{jobId}`: one queued report or bundle build per type, period and format
   * (reportJobDocSchema); `jobId` is derived from them, so asking twice finds the same job.
   */
  reportJobs: 'reportJobs',
  /**
   * `evidenceItems/{itemId}`: evidence no system holds (CONTRACT §10), registered through the API
   * and its file stored once in Cloud Storage (evidenceItemDocSchema).
   */
  evidenceItems: 'evidenceItems',
  /**
   * `accessReviews/{reviewId}`: an access-review campaign (accessReviewDocSchema), with one entry
   * per member in `accessReviews/{reviewId}/entries/{subjectId}` (accessReviewEntryDocSchema).
   */
  accessReviews: 'accessReviews',
} as const;

/** The subcollection of an access review holding one entry per member (CONTRACT §9). */
export const ACCESS_REVIEW_ENTRIES = 'entries';

export const COMPLIANCE_SETTINGS_DOC = 'compliance';

/** The one document of `auditWindow` (compaction.ts). */
export const AUDIT_WINDOW_DOC = 'closedDays';

export const accountPath = (accountId: string) => `${COLLECTIONS.accounts}/${accountId}`;
export const subcollectionPath = (
  accountId: string,
  collection: Exclude<keyof typeof COLLECTIONS, 'accounts'>,
) => `${accountPath(accountId)}/${COLLECTIONS[collection]}`;

/** One document of an account's subcollection, e.g. `accounts/{a}/findings/{id}`. */
export const accountDocPath = (
  accountId: string,
  collection: Parameters<typeof subcollectionPath>[1],
  id: string,
) => `${subcollectionPath(accountId, collection)}/${id}`;

/** `settings/compliance`: the account's compliance settings (complianceSettingsSchema). */
export const complianceSettingsPath = (accountId: string) =>
  accountDocPath(accountId, 'settings', COMPLIANCE_SETTINGS_DOC);

/** `accessReviews/{reviewId}/entries`: the entries of one access review. */
export const accessReviewEntriesPath = (accountId: string, reviewId: string) =>
  `${accountDocPath(accountId, 'accessReviews', reviewId)}/${ACCESS_REVIEW_ENTRIES}`;
