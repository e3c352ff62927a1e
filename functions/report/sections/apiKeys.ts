import { daysBetween } from '../../domain/time';
import { API_KEY_STATUSES, type ApiKey } from '../../schema/documents';
import type { ApiKeySummary } from '../../schema/evidence';
import { isoOrNull, type ParsedCollection } from '../types';

/** Days without use after which a valid key counts as stale. */
export const STALE_KEY_DAYS = 90;

export const STALE_KEY_RULE =
  `a valid key is stale when it has not been used for more than ${STALE_KEY_DAYS} days, ` +
  `or was never used and was created more than ${STALE_KEY_DAYS} days ago`;

/**
 * API key summary shared by the access review and security metrics. Invalid and revoked keys are
 * listed with their status but never called stale: they can no longer be used.
 */
export function summarizeApiKeys(apiKeys: ParsedCollection<ApiKey>, now: Date): ApiKeySummary {
  const keys = apiKeys.docs
    .map(({ id, value }) => {
      const lastUse = value.lastUsedAt ?? value.createdAt;
      const stale = value.status === 'valid' && daysBetween(lastUse, now) > STALE_KEY_DAYS;
      return {
        id,
        provider: value.provider,
        status: value.status,
        createdAt: value.createdAt.toISOString(),
        lastUsedAt: isoOrNull(value.lastUsedAt),
        ageDays: daysBetween(value.createdAt, now),
        stale,
        staleReason: !stale
          ? null
          : value.lastUsedAt
            ? ('unused_for_stale_period' as const)
            : ('never_used_since_creation' as const),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  const byStatus = Object.fromEntries(API_KEY_STATUSES.map((s) => [s, 0])) as Record<
    ApiKey['status'],
    number
  >;
  for (const key of keys) byStatus[key.status] += 1;
  return {
    total: keys.length,
    providers: [...new Set(keys.map((k) => k.provider))].sort(),
    byStatus,
    stale: keys.filter((k) => k.stale).length,
    staleRule: STALE_KEY_RULE,
    keys,
  };
}
