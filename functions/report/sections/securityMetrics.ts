import { utcDay, utcDaysFrom } from '../../domain/time';
import type { ApiKey, BlockedIp, SecurityEvent } from '../../schema/documents';
import type { SecurityMetrics } from '../../schema/evidence';
import {
  emptyCollection,
  isoOrNull,
  REPORT_WINDOW_DAYS,
  windowStartOf,
  type ParsedCollection,
} from '../types';
import { summarizeApiKeys } from './apiKeys';

export interface SecurityMetricsInput {
  /** Security events of the window (older ones are ignored if present). */
  securityEvents: ParsedCollection<SecurityEvent>;
  blockedIps: ParsedCollection<BlockedIp>;
  apiKeys: ParsedCollection<ApiKey>;
  now: Date;
}

/** Failed sign-ins, blocked IPs, API key health and usage-spike alerts over the last 30 days. */
export function computeSecurityMetrics(input: SecurityMetricsInput): SecurityMetrics {
  const { now } = input;
  const start = windowStartOf(now);
  const inWindow = input.securityEvents.docs.filter(
    ({ value }) => value.timestamp >= start && value.timestamp <= now,
  );
  // Every day the window touches, so quiet days show as zero.
  const byDay = new Map(utcDaysFrom(start, now).map((d) => [d, 0]));
  let failedTotal = 0;
  for (const { value } of inWindow) {
    if (value.type !== 'auth_failure') continue;
    failedTotal += 1;
    const day = utcDay(value.timestamp);
    byDay.set(day, (byDay.get(day) ?? 0) + 1);
  }
  const blocked = input.blockedIps.docs
    .map(({ id, value }) => ({
      id,
      ip: value.ip,
      reason: value.reason,
      blockedAt: value.blockedAt.toISOString(),
      expiresAt: isoOrNull(value.expiresAt),
      active: value.blockedAt <= now && (!value.expiresAt || value.expiresAt > now),
    }))
    .sort((a, b) => b.blockedAt.localeCompare(a.blockedAt) || a.id.localeCompare(b.id));
  const spikes = inWindow
    .filter(({ value }) => value.type === 'usage_spike')
    .map(({ id, value }) => ({
      id,
      timestamp: value.timestamp.toISOString(),
      actorId: value.actorId ?? null,
      ip: value.ip ?? null,
      details: value.details ?? null,
    }))
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp) || a.id.localeCompare(b.id));
  const keys = summarizeApiKeys(input.apiKeys, now);
  return {
    windowDays: REPORT_WINDOW_DAYS,
    windowStart: start.toISOString(),
    windowEnd: now.toISOString(),
    failedAuthAttempts: {
      total: failedTotal,
      byDay: [...byDay].map(([date, count]) => ({ date, count })),
    },
    blockedIps: {
      active: blocked.filter((b) => b.active).length,
      expired: blocked.filter((b) => !b.active).length,
      entries: blocked,
    },
    apiKeyHealth: {
      total: keys.total,
      byStatus: keys.byStatus,
      stale: keys.stale,
      staleRule: keys.staleRule,
    },
    usageSpikes: { total: spikes.length, alerts: spikes },
    malformedDocuments: [
      ...input.securityEvents.malformed,
      ...input.blockedIps.malformed,
      ...input.apiKeys.malformed,
    ],
  };
}

export const emptySecurityMetrics = (now: Date): SecurityMetrics =>
  computeSecurityMetrics({
    securityEvents: emptyCollection(),
    blockedIps: emptyCollection(),
    apiKeys: emptyCollection(),
    now,
  });
