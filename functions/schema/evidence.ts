import { z } from 'zod';
import { PERMISSION_CATALOG, ROLES } from '../domain/roles';
import {
  backupSchema,
  continuityTargetSchema,
  encryptionControlSchema,
  incidentProcedureSchema,
  logRetentionClassSchema,
  severityDefinitionSchema,
  RISK_LEVELS,
  vendorSchema,
} from './catalogs';
import { evidenceQuerySchema } from './api';
import { utcDayString } from './common';
import { accessChangeSchema, auditLogSummarySchema } from './audit';
import { API_KEY_STATUSES, RESIDENCY_MODES } from './documents';
import { REPORT_VERSION, sectionErrorSchema, type SectionKey, type SectionSlug } from './report';

/**
 * Data shapes of the nine evidence sections (CONTRACT §4), as served in JSON. Everything here is
 * plain JSON (dates are ISO-8601 strings) so the same schemas generate the OpenAPI document and
 * validate responses in tests.
 */

const isoDateTime = z.iso.datetime({ offset: true });

/** A stored document that failed its schema: listed, counted, and the section marked degraded. */
export const malformedDocumentSchema = z.object({
  path: z.string(),
  problem: z.string(),
});
export type MalformedDocument = z.output<typeof malformedDocumentSchema>;
const malformedDocuments = z.array(malformedDocumentSchema);

/**
 * Where settings-derived sections came from: the account's `settings/compliance` document, the
 * documented defaults (no document), or nothing (the section is degraded).
 */
export const settingsSourceSchema = z.enum(['document', 'defaults', 'unavailable']);

const permissionSchema = z.enum(Object.values(PERMISSION_CATALOG).flat() as [string, ...string[]]);
const roleSchema = z.enum(ROLES);

export const IDENTITY_FLAGS = ['auth_user_missing', 'auth_user_disabled'] as const;

/** Facts Firebase Auth holds about a member's identity (null when the Auth user does not exist). */
export const identityFactsSchema = z.object({
  disabled: z.boolean(),
  emailVerified: z.boolean(),
  mfaEnrolled: z.boolean(),
  /** Second factors enrolled, e.g. `phone`, `totp`. */
  mfaFactors: z.array(z.string()),
  lastSignInAt: isoDateTime.nullable(),
  /** Sign-in providers linked to the user, e.g. `password`, `google.com`. */
  providers: z.array(z.string()),
});
export type IdentityFacts = z.output<typeof identityFactsSchema>;

export const accessReviewMemberSchema = z.object({
  uid: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: roleSchema,
  level: z.number().int(),
  /** Departments with their names; `name` is null when the department document does not exist. */
  departments: z.array(z.object({ id: z.string(), name: z.string().nullable() })),
  permissions: z.array(permissionSchema),
  /** Resources this member can reach (CONTRACT §2 rule), counted per type. */
  resourceAccess: z.object({
    recipes: z.number().int().nonnegative(),
    workflows: z.number().int().nonnegative(),
  }),
  lastActiveAt: isoDateTime.nullable(),
  /** The member document's own `disabled` flag (membership switched off by the host product). */
  membershipDisabled: z.boolean(),
  identity: identityFactsSchema.nullable(),
  flags: z.array(z.enum(IDENTITY_FLAGS)),
});
export type AccessReviewMember = z.output<typeof accessReviewMemberSchema>;

export const STALE_KEY_REASONS = ['unused_for_stale_period', 'never_used_since_creation'] as const;

export const apiKeyEntrySchema = z.object({
  id: z.string(),
  provider: z.string(),
  status: z.enum(API_KEY_STATUSES),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  /** Whole days since creation at report time. */
  ageDays: z.number().int(),
  stale: z.boolean(),
  staleReason: z.enum(STALE_KEY_REASONS).nullable(),
});
export type ApiKeyEntry = z.output<typeof apiKeyEntrySchema>;

export const apiKeySummarySchema = z.object({
  total: z.number().int(),
  providers: z.array(z.string()),
  byStatus: z.record(z.enum(API_KEY_STATUSES), z.number().int()),
  stale: z.number().int(),
  /** The rule that made a key stale, in words. */
  staleRule: z.string(),
  keys: z.array(apiKeyEntrySchema),
});
export type ApiKeySummary = z.output<typeof apiKeySummarySchema>;

export const accessReviewSchema = z.object({
  totals: z.object({
    members: z.number().int(),
    /** Members with at least one identity flag. */
    flagged: z.number().int(),
    mfaEnrolled: z.number().int(),
  }),
  members: z.array(accessReviewMemberSchema),
  roleDistribution: z.record(roleSchema, z.number().int()),
  apiKeys: apiKeySummarySchema,
  /** Role and department changes of the last 30 days, newest first (at most 100). */
  recentAccessChanges: z.array(accessChangeSchema),
  malformedDocuments,
});
export type AccessReview = z.output<typeof accessReviewSchema>;

export const securityMetricsSchema = z.object({
  windowDays: z.number().int(),
  windowStart: isoDateTime,
  windowEnd: isoDateTime,
  failedAuthAttempts: z.object({
    total: z.number().int(),
    /** One entry per UTC day of the window, oldest first, zero days included. */
    byDay: z.array(z.object({ date: utcDayString, count: z.number().int() })),
  }),
  blockedIps: z.object({
    active: z.number().int(),
    expired: z.number().int(),
    entries: z.array(
      z.object({
        id: z.string(),
        ip: z.string(),
        reason: z.string(),
        blockedAt: isoDateTime,
        expiresAt: isoDateTime.nullable(),
        active: z.boolean(),
      }),
    ),
  }),
  apiKeyHealth: z.object({
    total: z.number().int(),
    byStatus: z.record(z.enum(API_KEY_STATUSES), z.number().int()),
    stale: z.number().int(),
    staleRule: z.string(),
  }),
  usageSpikes: z.object({
    total: z.number().int(),
    alerts: z.array(
      z.object({
        id: z.string(),
        timestamp: isoDateTime,
        actorId: z.string().nullable(),
        ip: z.string().nullable(),
        details: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
  }),
  malformedDocuments,
});
export type SecurityMetrics = z.output<typeof securityMetricsSchema>;

export const encryptionInventorySchema = z.object({
  total: z.number().int(),
  atRest: z.number().int(),
  inTransit: z.number().int(),
  controls: z.array(encryptionControlSchema),
});
export type EncryptionInventory = z.output<typeof encryptionInventorySchema>;

export const vendorEntrySchema = vendorSchema.extend({
  /** True when the next review date has passed at report time. */
  reviewOverdue: z.boolean(),
});
export const vendorRegisterSchema = z.object({
  total: z.number().int(),
  overdueReviews: z.number().int(),
  byRisk: z.record(z.enum(RISK_LEVELS), z.number().int()),
  vendors: z.array(vendorEntrySchema),
});
export type VendorRegister = z.output<typeof vendorRegisterSchema>;

/** The runbook as served (counts are fixed by the catalog schema, not re-checked per response). */
export const incidentResponseSchema = z.object({
  severities: z.array(severityDefinitionSchema),
  procedures: z.array(incidentProcedureSchema),
  /** Recovery objectives (RTO, RPO, MTTR): target, last measured value, and whether it is met. */
  continuityTargets: z.array(
    continuityTargetSchema.extend({
      /** The current value is at or below the target. */
      met: z.boolean(),
    }),
  ),
  /** How each kind of data is backed up: frequency, retention, location. */
  backupStrategy: z.array(backupSchema),
});
export type IncidentResponse = z.output<typeof incidentResponseSchema>;

export const complianceConfigSchema = z.object({
  source: settingsSourceSchema,
  frameworks: z.array(z.string()),
  piiDetection: z.object({
    enabled: z.boolean(),
    mode: z.string(),
    entities: z.array(z.string()),
  }),
});
export type ComplianceConfig = z.output<typeof complianceConfigSchema>;

export const dataResidencySchema = z.object({
  source: settingsSourceSchema,
  /** Data category → where it may live. */
  categories: z.record(z.string(), z.enum(RESIDENCY_MODES)),
});
export type DataResidency = z.output<typeof dataResidencySchema>;

export const retentionPolicySchema = z.object({
  source: settingsSourceSchema,
  /** Days audit events are kept. */
  auditLogDays: z.number().int(),
  /** Any other retention periods the account set, in days. */
  otherPeriodsDays: z.record(z.string(), z.number().int()),
  /** How long each class of log is kept (the deployment's catalog, the same for every account). */
  logRetentionClasses: z.array(logRetentionClassSchema),
});
export type RetentionPolicy = z.output<typeof retentionPolicySchema>;

/** Section key → its data schema, in report order. */
export const SECTION_DATA_SCHEMAS = {
  accessReview: accessReviewSchema,
  securityMetrics: securityMetricsSchema,
  encryptionInventory: encryptionInventorySchema,
  vendorRegister: vendorRegisterSchema,
  incidentResponse: incidentResponseSchema,
  complianceConfig: complianceConfigSchema,
  dataResidency: dataResidencySchema,
  retentionPolicy: retentionPolicySchema,
  auditLogSummary: auditLogSummarySchema,
} as const;

export type SectionDataMap = { [K in SectionKey]: z.output<(typeof SECTION_DATA_SCHEMAS)[K]> };

const sectionResultOf = <S extends z.ZodType>(data: S) =>
  z.object({
    status: z.enum(['ok', 'degraded']),
    generatedAt: isoDateTime,
    error: sectionErrorSchema.optional(),
    data,
  });

/** The report with every section's data typed: what the endpoint serves and OpenAPI documents. */
export const evidenceReportSchema = z.object({
  version: z.literal(REPORT_VERSION),
  accountId: z.string(),
  generatedAt: isoDateTime,
  complete: z.boolean(),
  sections: z
    .object({
      accessReview: sectionResultOf(accessReviewSchema).optional(),
      securityMetrics: sectionResultOf(securityMetricsSchema).optional(),
      encryptionInventory: sectionResultOf(encryptionInventorySchema).optional(),
      vendorRegister: sectionResultOf(vendorRegisterSchema).optional(),
      incidentResponse: sectionResultOf(incidentResponseSchema).optional(),
      complianceConfig: sectionResultOf(complianceConfigSchema).optional(),
      dataResidency: sectionResultOf(dataResidencySchema).optional(),
      retentionPolicy: sectionResultOf(retentionPolicySchema).optional(),
      auditLogSummary: sectionResultOf(auditLogSummarySchema).optional(),
    } satisfies Record<SectionKey, z.ZodType>)
    .strict(),
});
export type EvidenceReport = z.output<typeof evidenceReportSchema>;
export type EvidenceSection<K extends SectionKey> = NonNullable<EvidenceReport['sections'][K]>;

/** CSV tables: which section serves which table (`table` defaults to the section's first). */
export const CSV_TABLES = {
  'access-review': ['members', 'api-keys'],
  'vendor-register': ['vendors'],
  'encryption-inventory': ['controls'],
  'audit-log-summary': ['actions'],
  'incident-response': ['continuity-targets', 'backups'],
  'retention-policy': ['log-retention'],
} as const satisfies Partial<Record<SectionSlug, readonly string[]>>;
export type CsvSectionSlug = keyof typeof CSV_TABLES;
export const CSV_SECTION_SLUGS = Object.keys(CSV_TABLES) as CsvSectionSlug[];
const ALL_TABLES = [...new Set(Object.values(CSV_TABLES).flat())] as [string, ...string[]];

/**
 * `GET /api/soc2-evidence` query: the shared evidence query plus `table`, which picks one of a
 * section's CSV tables. Unknown tables and CSV for sections without a table are refused with the
 * list of valid values.
 */
export const evidenceRequestSchema = evidenceQuerySchema
  .extend({
    table: z
      .enum(ALL_TABLES, {
        error: (iss) =>
          Array.isArray(iss.input)
            ? 'table must be given once'
            : `unknown table; valid tables: ${ALL_TABLES.join(', ')}`,
      })
      .optional(),
  })
  .superRefine((q, ctx) => {
    if (q.format === 'oscal' && q.section !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['section'],
        message: 'format=oscal covers the whole report; omit section',
      });
    }
    if (q.format !== 'csv') {
      if (q.table !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['table'], message: 'table requires format=csv' });
      }
      return;
    }
    const tables = q.section && (CSV_TABLES as Record<string, readonly string[]>)[q.section];
    if (!tables) {
      ctx.addIssue({
        code: 'custom',
        path: ['format'],
        message: `format=csv needs a section with a table; CSV sections: ${CSV_SECTION_SLUGS.join(', ')}`,
      });
    } else if (q.table !== undefined && !tables.includes(q.table)) {
      ctx.addIssue({
        code: 'custom',
        path: ['table'],
        message: `section ${q.section} has tables: ${tables.join(', ')}`,
      });
    }
  });
export type EvidenceRequest = z.output<typeof evidenceRequestSchema>;
