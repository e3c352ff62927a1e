import type { z } from 'zod';
import type { businessContinuitySchema } from '../schema/catalogs';

/**
 * Business continuity of this deployment: the recovery objectives it commits to, with the value
 * last measured against each, and how each kind of data is backed up. A target whose current value
 * is above it is shown as missed in the report, not hidden.
 */
export const BUSINESS_CONTINUITY: z.input<typeof businessContinuitySchema> = {
  targets: [
    {
      metric: 'RTO',
      name: 'Recovery time objective',
      target: 4,
      current: 2.5,
      unit: 'hours',
      measuredBy:
        'Quarterly restore drill 2026-10-14: Firestore restored from backup into a new database and the API pointed at it',
    },
    {
      metric: 'RPO',
      name: 'Recovery point objective',
      target: 60,
      current: 1,
      unit: 'minutes',
      measuredBy:
        'Firestore point-in-time recovery granularity (one minute), checked in the same restore drill',
    },
    {
      metric: 'MTTR',
      name: 'Mean time to recover',
      target: 4,
      current: 1.8,
      unit: 'hours',
      measuredBy:
        'Mean time from detection to recovery of the P1 and P2 incidents of the last 12 months (incident records)',
    },
  ],
  backups: [
    {
      id: 'firestore-pitr',
      dataType:
        'Firestore database: members, audit logs, settings, rollups, findings, incidents, report jobs',
      frequency: 'Continuous: point-in-time recovery to any minute',
      retention: 7,
      retentionUnit: 'days',
      location: 'Firestore, multi-region nam5 (same database)',
    },
    {
      id: 'firestore-scheduled',
      dataType: 'Firestore database (whole)',
      frequency: 'Daily scheduled backup, 03:00 UTC',
      retention: 98,
      retentionUnit: 'days',
      location: 'Firestore backups, multi-region nam5',
    },
    {
      id: 'firestore-export',
      dataType: 'Firestore database (whole)',
      frequency: 'Weekly managed export, Sunday 04:00 UTC',
      retention: 1,
      retentionUnit: 'years',
      location: 'Cloud Storage backup bucket in us-east1 with a locked retention policy',
    },
    {
      id: 'evidence-bundles',
      dataType: 'Quarterly evidence bundles and report job results',
      frequency: 'On write: every object replicated across two regions (turbo replication)',
      retention: 7,
      retentionUnit: 'years',
      location: 'Cloud Storage dual-region bucket (us-central1 + us-east1), Bucket Lock',
    },
    {
      id: 'auth-users',
      dataType: 'Firebase Authentication users (identities, MFA enrolment, password hashes)',
      frequency: 'Daily export, 03:30 UTC',
      retention: 90,
      retentionUnit: 'days',
      location: 'Cloud Storage backup bucket in us-east1, CMEK-encrypted',
    },
    {
      id: 'signing-keys',
      dataType: 'Bundle signing key versions',
      frequency: 'On rotation: the previous version is disabled, never destroyed',
      retention: 7,
      retentionUnit: 'years',
      location: 'Secret Manager, automatic replication',
    },
    {
      id: 'source-and-config',
      dataType: 'Source code, rules, indexes and deployment configuration',
      frequency: 'Every push, plus a nightly mirror clone',
      retention: 1,
      retentionUnit: 'years',
      location: 'GitHub, mirrored to the Cloud Storage backup bucket in us-east1',
    },
  ],
};
