import type { ComplianceSettings } from '../../schema/documents';
import type { DataResidency } from '../../schema/evidence';
import { effectiveSettings } from './complianceDefaults';

/** Where each data category may live, from `settings/compliance` or the defaults. */
export function computeDataResidency(settings: ComplianceSettings | undefined): DataResidency {
  const { source, settings: s } = effectiveSettings(settings);
  return { source, categories: { ...s.dataResidency } };
}

export const emptyDataResidency = (): DataResidency => ({ source: 'unavailable', categories: {} });
