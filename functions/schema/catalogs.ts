import { z } from 'zod';
import { utcDayString } from './common';

/** Static catalogs that describe this deployment (edited in functions/catalogs/). */

export const encryptionControlSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(3),
  algorithm: z.string().min(2),
  /** Key size in bits; null where the control is not keyed (e.g. a hash). */
  keySizeBits: z.number().int().positive().nullable(),
  scope: z.string().min(3),
  appliesTo: z.enum(['at_rest', 'in_transit', 'both']),
  managedBy: z.string().min(2),
  /** Module of this repository (or platform component) that implements or relies on it. */
  sourceModule: z.string().min(2),
});
export type EncryptionControl = z.output<typeof encryptionControlSchema>;

export const RISK_LEVELS = ['critical', 'high', 'medium', 'low'] as const;
export const vendorSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(2),
  service: z.string().min(3),
  riskLevel: z.enum(RISK_LEVELS),
  soc2TypeII: z.object({
    status: z.enum(['current', 'expired', 'not_available', 'in_progress']),
    /** Date of the latest report reviewed, when one exists. */
    reportDate: utcDayString.nullable(),
  }),
  otherCertifications: z.array(z.string()),
  dataAccess: z.array(z.string()).min(1),
  mitigations: z.array(z.string().min(20)).min(1),
  /** Months between reviews; critical and high vendors are reviewed more often. */
  reviewIntervalMonths: z.number().int().min(1).max(24),
  lastReviewDate: utcDayString,
  nextReviewDate: utcDayString,
});
export type Vendor = z.output<typeof vendorSchema>;

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const INCIDENT_PHASES = [
  'detection_triage',
  'containment',
  'eradication_recovery',
  'post_mortem',
] as const;

export const severityDefinitionSchema = z.object({
  severity: z.enum(SEVERITIES),
  name: z.string(),
  description: z.string().min(10),
  /** Minutes from detection to first response. */
  responseSlaMinutes: z.number().int().positive(),
});

export const runbookStepSchema = z.object({
  order: z.number().int().positive(),
  action: z.string().min(10),
  responsibleRole: z.string().min(3),
  /** Minutes from the start of the procedure by which this step must be done. */
  slaMinutes: z.number().int().positive(),
  tools: z.array(z.string()).min(1),
  escalationTrigger: z.string().min(10),
});

export const incidentProcedureSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(3),
  phase: z.enum(INCIDENT_PHASES),
  severity: z.enum(SEVERITIES).nullable(),
  steps: z.array(runbookStepSchema).min(1),
});

export const incidentRunbookSchema = z.object({
  severities: z.array(severityDefinitionSchema).length(4),
  procedures: z.array(incidentProcedureSchema).length(6),
});
export type IncidentRunbook = z.output<typeof incidentRunbookSchema>;

/** A length of time as people state it: `7 years`, `90 days`. */
export const DURATION_UNITS = ['minutes', 'hours', 'days', 'years'] as const;

/** How long something is kept, in `retentionUnit`. */
const retentionPeriod = {
  retention: z.number().int().positive(),
  retentionUnit: z.enum(DURATION_UNITS),
};

export const CONTINUITY_METRICS = ['RTO', 'RPO', 'MTTR'] as const;
export const continuityTargetSchema = z.object({
  metric: z.enum(CONTINUITY_METRICS),
  name: z.string().min(3),
  /** The objective this deployment commits to, in `unit`. */
  target: z.number().positive(),
  /** What was last measured (restore drill, incident record), in `unit`. */
  current: z.number().nonnegative(),
  unit: z.enum(DURATION_UNITS),
  /** Where the current value comes from, so an auditor can ask for that record. */
  measuredBy: z.string().min(10),
});

export const backupSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  dataType: z.string().min(3),
  /** How often a restorable copy is taken, in words (a schedule or "continuous"). */
  frequency: z.string().min(3),
  /** How long each copy is kept. */
  ...retentionPeriod,
  /** Where the copies live (service, region). */
  location: z.string().min(3),
});

export const businessContinuitySchema = z.object({
  targets: z.array(continuityTargetSchema).length(CONTINUITY_METRICS.length),
  backups: z.array(backupSchema).min(1),
});
export type BusinessContinuity = z.output<typeof businessContinuitySchema>;

export const logRetentionClassSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(3),
  /** Which logs belong to the class. */
  contents: z.string().min(10),
  ...retentionPeriod,
  /** Where the class is kept, and what stops early deletion. */
  storage: z.string().min(3),
});
export type LogRetentionClass = z.output<typeof logRetentionClassSchema>;
