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
/** Names that mean a secret is stored, in any case and with any separator (api_key, API-Key). */
const SECRET_NAME = /key|secret|token|passw(or)?d|credential|private|bearer|value/i;
/** Values shaped like a provider's API key or a PEM private key. */
const SECRET_VALUE =
  /^(sk-|sk_live_|sk_test_|AIza|ghp_|github_pat_|xox[baprs]-|AKIA)|-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** Firestore nests maps at most 20 deep; the walk stops there whatever it is given. */
const MAX_DEPTH = 20;

/**
 * Where in a stored document a secret sits, as a dotted path (`meta.key`, `labels.0`), or
 * undefined. The path names the place, never the value: it goes into logs and reports.
 */
export function secretPath(value: unknown, path: readonly string[] = []): string | undefined {
  if (typeof value === 'string') {
    return SECRET_VALUE.test(value) ? path.join('.') || '(value)' : undefined;
  }
  if (typeof value !== 'object' || value === null || path.length >= MAX_DEPTH) return undefined;
  for (const [name, child] of Object.entries(value)) {
    const at = [...path, name];
    if (SECRET_NAME.test(name)) return at.join('.');
    const found = secretPath(child, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

const apiKeyFields = z.object({
  provider: z.string().min(1),
  status: z.enum(API_KEY_STATUSES),
  createdAt: timestamp,
  lastUsedAt: timestamp.optional(),
});
// Key material must never be stored here; refuse documents that carry it (the access review then
// lists the document as malformed, naming where). The check runs on the raw document: z.object
// strips unknown keys, so a refine after it would never see them.
export const apiKeySchema = z
  .custom<z.input<typeof apiKeyFields>>()
  .superRefine((doc, ctx) => {
    const at = secretPath(doc);
    if (at !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `API key documents must not contain key material (found at ${at})`,
      });
    }
  })
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
