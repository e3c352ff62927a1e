import type { LogRetentionClass } from '../../schema/catalogs';
import type { ComplianceSettings } from '../../schema/documents';
import type { RetentionPolicy } from '../../schema/evidence';
import { COMPLIANCE_DEFAULTS, effectiveSettings } from './complianceDefaults';

/**
 * Retention periods in days; audit-log retention falls back to the default when unset. The log
 * retention classes are the deployment's catalog, reported beside the account's own periods.
 */
export function computeRetentionPolicy(
  settings: ComplianceSettings | undefined,
  logRetentionClasses: readonly LogRetentionClass[],
): RetentionPolicy {
  const { source, settings: s } = effectiveSettings(settings);
  const { auditLogDays, ...otherPeriodsDays } = s.retention;
  return {
    source,
    auditLogDays: auditLogDays ?? COMPLIANCE_DEFAULTS.retention.auditLogDays!,
    otherPeriodsDays,
    logRetentionClasses: [...logRetentionClasses],
  };
}

export const emptyRetentionPolicy = (): RetentionPolicy => ({
  source: 'unavailable',
  auditLogDays: 0,
  otherPeriodsDays: {},
  logRetentionClasses: [],
});
