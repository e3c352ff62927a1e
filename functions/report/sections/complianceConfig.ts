import type { ComplianceSettings } from '../../schema/documents';
import type { ComplianceConfig } from '../../schema/evidence';
import { COMPLIANCE_DEFAULTS, effectiveSettings } from './complianceDefaults';

/** Frameworks in scope and PII detection, from `settings/compliance` or the defaults. */
export function computeComplianceConfig(
  settings: ComplianceSettings | undefined,
): ComplianceConfig {
  const { source, settings: s } = effectiveSettings(settings);
  return {
    source,
    frameworks: [...s.frameworks],
    // A document without piiDetection means the account never turned it on.
    piiDetection: { ...(s.piiDetection ?? COMPLIANCE_DEFAULTS.piiDetection!) },
  };
}

export const emptyComplianceConfig = (): ComplianceConfig => ({
  source: 'unavailable',
  frameworks: [],
  piiDetection: { enabled: false, mode: 'unknown', entities: [] },
});
