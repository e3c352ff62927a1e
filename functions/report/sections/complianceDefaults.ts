import type { ComplianceSettings } from '../../schema/documents';

/**
 * What the settings-derived sections report when an account has no `settings/compliance`
 * document (documented in the README). They describe the product's behaviour out of the box:
 * SOC 2 as the framework, PII detection off until configured, no data category given a residency
 * rule, and audit events kept for 365 days (a full SOC 2 Type II observation period).
 */
export const COMPLIANCE_DEFAULTS: Readonly<ComplianceSettings> = Object.freeze({
  frameworks: ['soc2'],
  piiDetection: { enabled: false, mode: 'off', entities: [] },
  dataResidency: {},
  retention: { auditLogDays: 365 },
});

/** The settings a section reports, and whether they came from the account or the defaults. */
export function effectiveSettings(settings: ComplianceSettings | undefined) {
  return settings
    ? { source: 'document' as const, settings }
    : { source: 'defaults' as const, settings: COMPLIANCE_DEFAULTS };
}
