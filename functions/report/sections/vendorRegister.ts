import { utcDay } from '../../domain/time';
import { RISK_LEVELS, type Vendor } from '../../schema/catalogs';
import type { VendorRegister } from '../../schema/evidence';

/**
 * The vendor register with overdue reviews flagged. Review dates are calendar days: a review due
 * today is not overdue until the day has passed (UTC).
 */
export function computeVendorRegister(vendors: readonly Vendor[], now: Date): VendorRegister {
  const today = utcDay(now);
  const entries = vendors.map((v) => ({ ...v, reviewOverdue: v.nextReviewDate < today }));
  const byRisk = Object.fromEntries(RISK_LEVELS.map((r) => [r, 0])) as VendorRegister['byRisk'];
  for (const v of entries) byRisk[v.riskLevel] += 1;
  return {
    total: entries.length,
    overdueReviews: entries.filter((v) => v.reviewOverdue).length,
    byRisk,
    vendors: entries,
  };
}
