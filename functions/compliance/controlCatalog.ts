import { z } from 'zod';
import { controlSchema, type Control } from '../schema/compliance';

/**
 * The controls this product evidences, each mapped to SOC 2 (2017 TSC) criteria, with the report
 * sections and bundle files an auditor can check it against. compliance.json (every control's daily
 * results over the bundle's period) is the operating evidence of each. Every control has exactly
 * one automated test in controlTests.ts (a unit test fails when the two drift apart).
 *
 * Parsed at module load: a malformed entry stops the deployment rather than a report.
 */
const CATALOG = [
  {
    id: 'mfa-privileged-members',
    name: 'MFA for privileged members',
    description:
      'Every member with level 80 or more (owners and admins) has a second factor enrolled in Firebase Auth.',
    criteria: ['CC6.1'],
    findingSeverity: 'high',
    test: {
      description: 'Counts level ≥ 80 members whose Auth user has no MFA factor enrolled.',
      threshold: '0 privileged members without MFA',
    },
    evidence: {
      sections: ['accessReview'],
      bundleFiles: ['access-review.csv', 'report.json', 'compliance.json'],
    },
  },
  {
    id: 'api-key-idle-rotation',
    name: 'Idle API keys are revoked',
    description:
      'No API key (valid or invalid, i.e. not revoked) older than 90 days goes 90 days without use.',
    criteria: ['CC6.1', 'CC6.2'],
    findingSeverity: 'medium',
    test: {
      description:
        'Counts non-revoked keys created more than 90 days ago whose last use is more than 90 days ago, or never.',
      threshold: '0 idle keys older than 90 days',
    },
    evidence: { sections: ['accessReview'], bundleFiles: ['report.json', 'compliance.json'] },
  },
  {
    id: 'api-key-invalid-revoked',
    name: 'Invalid API keys are revoked',
    description:
      'A provider key the product found invalid is revoked, not left active where it could be retried or leaked.',
    criteria: ['CC6.1'],
    findingSeverity: 'medium',
    test: {
      description: 'Counts keys whose status is `invalid` (active, i.e. not revoked).',
      threshold: '0 active invalid keys',
    },
    evidence: { sections: ['accessReview'], bundleFiles: ['report.json', 'compliance.json'] },
  },
  {
    id: 'deprovisioned-users',
    name: 'Disabled identities hold no role',
    description:
      'A member whose Firebase Auth user is disabled is also disabled in the account, so access ends everywhere at once.',
    criteria: ['CC6.2', 'CC6.3'],
    findingSeverity: 'high',
    test: {
      description: 'Counts members whose Auth user is disabled while the membership is not.',
      threshold: '0 disabled users with an active membership',
    },
    evidence: {
      sections: ['accessReview'],
      bundleFiles: ['access-review.csv', 'changes.json', 'compliance.json'],
    },
  },
  {
    id: 'owner-limit',
    name: 'Few owners',
    description:
      'The owner role (every permission, billing included) is held by no more members than configured.',
    criteria: ['CC6.3'],
    findingSeverity: 'medium',
    test: {
      description: 'Counts active members with the owner role.',
      threshold: 'owners ≤ configured limit (DEFAULT_CONTROL_TEST_CONFIG.maxOwners, 3)',
    },
    evidence: { sections: ['accessReview'], bundleFiles: ['access-review.csv', 'compliance.json'] },
  },
  {
    id: 'encryption-in-transit',
    name: 'Encryption in transit at the boundary',
    description:
      'Traffic crossing the system boundary is encrypted: the encryption inventory lists controls that apply in transit.',
    criteria: ['CC6.6', 'CC6.7'],
    findingSeverity: 'critical',
    test: {
      description: 'Counts encryption inventory controls that apply in transit (or both).',
      threshold: '≥ 1 in-transit control',
    },
    evidence: {
      sections: ['encryptionInventory'],
      bundleFiles: ['encryption.csv', 'compliance.json'],
    },
  },
  {
    id: 'audit-logging-active',
    name: 'Audit logging is active',
    description:
      'An account in use produces audit events: a member active in the last 24 hours implies events in the last 24 hours.',
    criteria: ['CC7.2'],
    findingSeverity: 'high',
    test: {
      description:
        'Counts audit events of the last 24 hours; not applicable when no member was active in that window.',
      threshold: '≥ 1 event in 24 h for an active account',
    },
    evidence: {
      sections: ['accessReview', 'auditLogSummary'],
      bundleFiles: ['audit-log.ndjson', 'audit-log-summary.csv', 'compliance.json'],
    },
  },
  {
    id: 'audit-log-retention',
    name: 'Audit logs are retained for a year',
    description:
      'The configured audit-log retention keeps events at least 365 days, long enough for a Type II period.',
    criteria: ['CC7.2', 'C1.2'],
    findingSeverity: 'high',
    test: {
      description: 'Reads the effective audit-log retention in days.',
      threshold: '≥ 365 days',
    },
    evidence: { sections: ['retentionPolicy'], bundleFiles: ['report.json', 'compliance.json'] },
  },
  {
    id: 'incident-runbook-ownership',
    name: 'Incident runbook steps are owned',
    description:
      'Every step of every incident procedure names a responsible role and a time limit, so nothing waits on nobody.',
    criteria: ['CC7.3', 'CC7.4'],
    findingSeverity: 'medium',
    test: {
      description: 'Counts runbook steps without a responsible role or without an SLA.',
      threshold: '0 unowned steps',
    },
    evidence: {
      sections: ['incidentResponse'],
      bundleFiles: ['incident-response.md', 'compliance.json'],
    },
  },
  {
    id: 'vendor-review-schedule',
    name: 'Vendors reviewed on schedule',
    description:
      'Every vendor in the register was reviewed within its review interval (next review date not passed).',
    criteria: ['CC9.2'],
    findingSeverity: 'medium',
    test: {
      description: 'Counts vendors whose next review date is before today.',
      threshold: '0 overdue vendor reviews',
    },
    evidence: { sections: ['vendorRegister'], bundleFiles: ['vendors.csv', 'compliance.json'] },
  },
  {
    id: 'quarterly-evidence-bundle',
    name: 'Quarterly signed evidence bundle',
    description:
      'The last completed calendar quarter has a signed evidence bundle, so evidence survives the live system.',
    criteria: ['A1.2', 'CC7.2'],
    findingSeverity: 'high',
    test: {
      description:
        'Looks for a complete archive whose period covers the last completed calendar quarter (UTC).',
      threshold: 'a bundle for the last quarter',
    },
    evidence: { sections: [], bundleFiles: ['manifest.json', 'manifest.sig', 'compliance.json'] },
  },
  {
    id: 'security-awareness-training',
    name: 'Security awareness training',
    description:
      'Security awareness training ran within the last year; its completion records are kept as an evidence item.',
    criteria: ['CC2.1'],
    findingSeverity: 'medium',
    test: {
      description:
        'Looks for a stored evidence item of kind security_awareness_training (training records) that is effective, not expired, and effective within the last 365 days.',
      threshold: 'a current item effective within 365 days',
    },
    evidence: { sections: [], bundleFiles: ['compliance.json'] },
    evidenceItem: { kind: 'security_awareness_training', maxAgeDays: 365 },
  },
  {
    id: 'risk-assessment',
    name: 'Annual risk assessment',
    description:
      'A risk assessment identifying threats to the service objectives was performed within the last year and is kept as an evidence item.',
    criteria: ['CC3.1'],
    findingSeverity: 'high',
    test: {
      description:
        'Looks for a stored evidence item of kind risk_assessment (a risk assessment) that is effective, not expired, and effective within the last 365 days.',
      threshold: 'a current item effective within 365 days',
    },
    evidence: { sections: [], bundleFiles: ['compliance.json'] },
    evidenceItem: { kind: 'risk_assessment', maxAgeDays: 365 },
  },
  {
    id: 'vulnerability-scan',
    name: 'Quarterly vulnerability scan',
    description:
      'The production systems were scanned for vulnerabilities within the last quarter; the scan report is kept as an evidence item.',
    criteria: ['CC4.1', 'CC7.1'],
    findingSeverity: 'high',
    test: {
      description:
        'Looks for a stored evidence item of kind vulnerability_scan (a vulnerability scan report) that is effective, not expired, and effective within the last 92 days.',
      threshold: 'a current item effective within 92 days',
    },
    evidence: { sections: [], bundleFiles: ['compliance.json'] },
    evidenceItem: { kind: 'vulnerability_scan', maxAgeDays: 92 },
  },
  {
    id: 'penetration-test',
    name: 'Annual penetration test',
    description:
      'An independent penetration test was performed within the last year; its report is kept as an evidence item.',
    criteria: ['CC4.1', 'CC7.1'],
    findingSeverity: 'high',
    test: {
      description:
        'Looks for a stored evidence item of kind penetration_test (a penetration test report) that is effective, not expired, and effective within the last 365 days.',
      threshold: 'a current item effective within 365 days',
    },
    evidence: { sections: [], bundleFiles: ['compliance.json'] },
    evidenceItem: { kind: 'penetration_test', maxAgeDays: 365 },
  },
  {
    id: 'information-security-policy',
    name: 'Signed information security policy',
    description:
      'A signed information security policy, reviewed within the last year, is kept as an evidence item.',
    criteria: ['CC1.1'],
    findingSeverity: 'medium',
    test: {
      description:
        'Looks for a stored evidence item of kind information_security_policy (a signed policy) that is effective, not expired, and effective within the last 365 days.',
      threshold: 'a current item effective within 365 days',
    },
    evidence: { sections: [], bundleFiles: ['compliance.json'] },
    evidenceItem: { kind: 'information_security_policy', maxAgeDays: 365 },
  },
  {
    id: 'access-review-quarterly',
    name: 'Quarterly access review with follow-up',
    description:
      'Access is reviewed and signed off every calendar quarter, and every revocation or role change decided in a review is carried out within 14 days of the sign-off.',
    criteria: ['CC6.2', 'CC6.3'],
    findingSeverity: 'high',
    test: {
      description:
        'Looks for an access review signed off during the last completed calendar quarter (UTC), and counts revoke or change_role decisions still outstanding more than 14 days after their sign-off.',
      threshold: 'a review signed off last quarter; 0 revocations outstanding past 14 days',
    },
    evidence: { sections: [], bundleFiles: ['access-reviews.json', 'compliance.json'] },
  },
] satisfies z.input<typeof controlSchema>[];

export const CONTROLS: readonly Control[] = Object.freeze(
  z
    .array(controlSchema)
    .refine((list) => new Set(list.map((c) => c.id)).size === list.length, 'duplicate control id')
    .parse(CATALOG),
);

export const CONTROL_IDS: readonly string[] = CONTROLS.map((c) => c.id);

export function findControl(controlId: string): Control | undefined {
  return CONTROLS.find((c) => c.id === controlId);
}
