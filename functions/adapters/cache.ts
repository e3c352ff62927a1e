import { Redis } from '@upstash/redis';
import * as logger from 'firebase-functions/logger';
import { withDeadline } from '../domain/deadline';

/**
 * The evidence cache as the report needs it. Every call is bounded by a short timeout and never
 * throws: a cache outage costs speed, never an answer. `undefined` means "the cache did not
 * answer" (distinct from `null`, "no such key"), so callers can say the cache was bypassed.
 */
export interface EvidenceCache {
  mget(keys: readonly string[]): Promise<(string | null)[] | undefined>;
  /** Resolves to whether the value was stored (false: the cache failed, or the value is too large). */
  set(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Increments an integer key; resolves to the new value, or undefined when the cache failed. */
  incr(key: string): Promise<number | undefined>;
}

/** Upper bound on one cache round trip; a slower cache is treated as down for that call. */
export const CACHE_TIMEOUT_MS = 400;

/**
 * Largest value sent to the cache. Upstash refuses a request over its plan's size limit (1 MB on
 * the free plan); a larger value (the access review of a few thousand members and up: a
 * 50,000-member one is about 30 MB) would be uploaded on every cold report only to be refused or
 * time out. It is not sent: that section is computed on each request instead, and served.
 */
export const MAX_CACHED_VALUE_BYTES = 1_000_000;

export interface UpstashCacheConfig {
  url: string;
  token: string;
  timeoutMs?: number;
  /** Values longer than this (UTF-8 bytes) are not cached; MAX_CACHED_VALUE_BYTES by default. */
  maxValueBytes?: number;
}

/** The EvidenceCache over Upstash Redis (REST). Values are stored as strings, verbatim. */
export function upstashCache(config: UpstashCacheConfig): EvidenceCache {
  const timeoutMs = config.timeoutMs ?? CACHE_TIMEOUT_MS;
  const maxValueBytes = config.maxValueBytes ?? MAX_CACHED_VALUE_BYTES;
  const redis = new Redis({
    url: config.url,
    token: config.token,
    // A retry after a network error would multiply the latency an outage costs.
    retry: false,
    automaticDeserialization: false,
    enableAutoPipelining: false,
    // Values are UTF-8 JSON text we wrote, so replies need no base64 armour; decoding it (the
    // client's default) was a character loop over every byte of a warm report.
    responseEncoding: false,
    // A fresh signal per request: the abort bounds the HTTP call itself, not only our wait.
    signal: () => AbortSignal.timeout(timeoutMs),
  });

  async function guarded<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      // The abort signal normally ends the request; the deadline covers a client that ignores it.
      return await withDeadline(
        call(),
        timeoutMs,
        () => new Error(`timed out after ${timeoutMs} ms`),
      );
    } catch (error) {
      logger.warn('evidence cache unavailable', {
        operation,
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  return {
    mget: (keys) =>
      keys.length === 0
        ? Promise.resolve([])
        : guarded('mget', () => redis.mget<(string | null)[]>(...keys)),
    set: async (key, value, ttlSeconds) => {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > maxValueBytes) {
        logger.info('evidence cache value too large, not cached', { key, bytes, maxValueBytes });
        return false;
      }
      return (await guarded('set', () => redis.set(key, value, { ex: ttlSeconds }))) !== undefined;
    },
    incr: (key) => guarded('incr', () => redis.incr(key)),
  };
}
