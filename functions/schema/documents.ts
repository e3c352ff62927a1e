import { z } from 'zod';
import { ROLES } from '../domain/roles';
import { documentId, timestamp } from './common';

/** Documents the host product writes under `accounts/{accountId}` (CONTRACT §2). */

export const PLANS = ['free', 'pro', 'enterprise'] as const;

export const accountSchema = z.object({
  name: z.string().min(1),
  plan: z.enum(PLANS),
  createdAt: timestamp,
});
export type Account = z.output<typeof accountSchema>;

export const roleSchema = z.enum(ROLES);

export const memberSchema = z.object({
  email: z.string().email(),
  displayName: z.string(),
  role: roleSchema,
  departments: z.array(documentId).default([]),
  lastActiveAt: timestamp.optional(),
  disabled: z.boolean().optional(),
  /** Set by the host product when it changes a member, so access history can name who did it. */
  updatedBy: z.string().optional(),
});
export type Member = z.output<typeof memberSchema>;

export const departmentSchema = z.object({ name: z.string().min(1) });
export type Department = z.output<typeof departmentSchema>;

export const RESOURCE_TYPES = ['recipe', 'workflow'] as const;
export const resourceSchema = z.object({
  type: z.enum(RESOURCE_TYPES),
  name: z.string().min(1),
  departmentIds: z.array(z.string()).default([]),
  memberIds: z.array(z.string()).default([]),
});
export type Resource = z.output<typeof resourceSchema>;

export const API_KEY_STATUSES = ['valid', 'invalid', 'revoked'] as const;
const KEY_MATERIAL_FIELDS = ['key', 'apiKey', 'secret', 'value'];
const apiKeyFields = z.object({
  provider: z.string().min(1),
  status: z.enum(API_KEY_STATUSES),
  createdAt: timestamp,
  lastUsedAt: timestamp.optional(),
});
// Key material must never be stored here; refuse documents that carry it. The check runs on the
// raw document: z.object strips unknown keys, so a refine after it would never see them.
export const apiKeySchema = z
  .custom<z.input<typeof apiKeyFields>>(
    (doc) => typeof doc !== 'object' || doc === null || !KEY_MATERIAL_FIELDS.some((f) => f in doc),
    'API key documents must not contain key material',
  )
  .pipe(apiKeyFields);
export type ApiKey = z.output<typeof apiKeySchema>;

export const AUDIT_RESULTS = ['success', 'failure', 'denied'] as const;
export const auditChangeSchema = z.object({
  field: z.string(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
});
export const auditLogSchema = z.object({
  timestamp,
  actorId: z.string().min(1),
  actorEmail: z.string().optional(),
  actorIp: z.string().optional(),
  /** Dotted, lower-case: `role.assign`, `recipe.execute`, `auth.login`. */
  action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'dotted action name'),
  resourceType: z.string().min(1),
  resourceId: z.string().optional(),
  resourceName: z.string().optional(),
  result: z.enum(AUDIT_RESULTS),
  details: z
    .object({
      description: z.string().optional(),
      before: z.unknown().optional(),
      after: z.unknown().optional(),
      changes: z.array(auditChangeSchema).optional(),
    })
    .optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type AuditLog = z.output<typeof auditLogSchema>;

export const SECURITY_EVENT_TYPES = ['auth_failure', 'ip_blocked', 'usage_spike'] as const;
export const securityEventSchema = z.object({
  type: z.enum(SECURITY_EVENT_TYPES),
  timestamp,
  ip: z.string().optional(),
  actorId: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type SecurityEvent = z.output<typeof securityEventSchema>;

export const blockedIpSchema = z.object({
  ip: z.string().min(1),
  reason: z.string(),
  blockedAt: timestamp,
  expiresAt: timestamp.optional(),
});
export type BlockedIp = z.output<typeof blockedIpSchema>;

export const RESIDENCY_MODES = ['local_only', 'cloud_sync', 'cloud_redacted'] as const;
export const complianceSettingsSchema = z.object({
  frameworks: z.array(z.string()).default([]),
  piiDetection: z
    .object({
      enabled: z.boolean(),
      mode: z.string(),
      entities: z.array(z.string()).default([]),
    })
    .optional(),
  dataResidency: z.record(z.string(), z.enum(RESIDENCY_MODES)).default({}),
  retention: z
    .object({ auditLogDays: z.number().int().positive().optional() })
    .catchall(z.number().int().positive())
    .default({}),
});
export type ComplianceSettings = z.output<typeof complianceSettingsSchema>;
