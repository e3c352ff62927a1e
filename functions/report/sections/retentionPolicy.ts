import type { ComplianceSettings } from '../../schema/documents';
import type { RetentionPolicy } from '../../schema/evidence';
import { COMPLIANCE_DEFAULTS, effectiveSettings } from './complianceDefaults';

/** Retention periods in days; audit-log retention falls back to the default when unset. */
export function computeRetentionPolicy(settings: ComplianceSettings | undefined): RetentionPolicy {
  const { source, settings: s } = effectiveSettings(settings);
  const { auditLogDays, ...otherPeriodsDays } = s.retention;
  return {
    source,
    auditLogDays: auditLogDays ?? COMPLIANCE_DEFAULTS.retention.auditLogDays!,
    otherPeriodsDays,
  };
}

export const emptyRetentionPolicy = (): RetentionPolicy => ({
  source: 'unavailable',
  auditLogDays: 0,
  otherPeriodsDays: {},
});
