import { z } from 'zod';

/** The evidence report envelope (CONTRACT §4). Section data shapes live with each section. */

export const REPORT_VERSION = '1.0.0';

/** `?section=` slug → key in `sections`, in report order. */
export const SECTION_SLUGS = {
  'access-review': 'accessReview',
  'security-metrics': 'securityMetrics',
  'encryption-inventory': 'encryptionInventory',
  'vendor-register': 'vendorRegister',
  'incident-response': 'incidentResponse',
  'compliance-config': 'complianceConfig',
  'data-residency': 'dataResidency',
  'retention-policy': 'retentionPolicy',
  'audit-log-summary': 'auditLogSummary',
} as const;

export type SectionSlug = keyof typeof SECTION_SLUGS;
export type SectionKey = (typeof SECTION_SLUGS)[SectionSlug];
export const SECTION_SLUG_LIST = Object.keys(SECTION_SLUGS) as SectionSlug[];

/** Section titles for people (the portal's headings and the PDF's chapters). */
export const SECTION_TITLES: Record<SectionKey, string> = {
  accessReview: 'Access review',
  securityMetrics: 'Security metrics',
  encryptionInventory: 'Encryption inventory',
  vendorRegister: 'Vendor register',
  incidentResponse: 'Incident response',
  complianceConfig: 'Compliance config',
  dataResidency: 'Data residency',
  retentionPolicy: 'Retention policy',
  auditLogSummary: 'Audit log summary',
};

export const sectionErrorSchema = z.object({ code: z.string(), message: z.string() });

export const sectionResultSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  generatedAt: z.string().datetime(),
  error: sectionErrorSchema.optional(),
  data: z.record(z.string(), z.unknown()),
});
export type SectionResult = z.output<typeof sectionResultSchema>;

export const reportSchema = z.object({
  version: z.literal(REPORT_VERSION),
  accountId: z.string(),
  generatedAt: z.string().datetime(),
  complete: z.boolean(),
  sections: z.partialRecord(
    z.enum(Object.values(SECTION_SLUGS) as [SectionKey, ...SectionKey[]]),
    sectionResultSchema,
  ),
});
export type Report = z.output<typeof reportSchema>;
