/**
 * Firestore paths. Host-written collections follow CONTRACT §2; the server-only collections
 * (names are ours, documented in the README) are written by the admin SDK alone and denied to
 * every client by firestore.rules.
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
  auditRollups: 'auditRollups',
  accessHistory: 'accessHistory',
  evidenceArchives: 'evidenceArchives',
} as const;

export const COMPLIANCE_SETTINGS_DOC = 'compliance';

export const accountPath = (accountId: string) => `${COLLECTIONS.accounts}/${accountId}`;
export const subcollectionPath = (
  accountId: string,
  collection: Exclude<keyof typeof COLLECTIONS, 'accounts'>,
) => `${accountPath(accountId)}/${COLLECTIONS[collection]}`;
