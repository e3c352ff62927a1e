import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import { evidenceReportSchema, type EvidenceReport } from '../schema/evidence';
import { REPORT_VERSION, SECTION_SLUGS, type SectionKey, type SectionSlug } from '../schema/report';
import { buildReport } from './buildReport';

/** How long a section that computed cleanly is served from the cache (CONTRACT §4: 5 minutes). */
export const SECTION_TTL_SECONDS = 300;
/** A degraded section is kept only briefly, so a transient failure heals on its own. */
export const DEGRADED_TTL_SECONDS = 15;
/**
 * The audit-log summary changes with every event, too often to invalidate per write; a short TTL
 * keeps it within CONTRACT §4's 60 s freshness (event → rollup trigger → next recompute).
 */
export const AUDIT_SUMMARY_TTL_SECONDS = 30;

/** The collections whose writes reach a section through its TTL instead of an invalidation. */
export const TTL_FRESH_COLLECTIONS = ['auditLogs', 'auditRollups', 'auditDays'] as const;

function ttlOf(key: SectionKey, section: { status: string } | undefined): number {
  if (section?.status !== 'ok') return DEGRADED_TTL_SECONDS;
  return key === 'auditLogSummary' ? AUDIT_SUMMARY_TTL_SECONDS : SECTION_TTL_SECONDS;
}

export type CacheOutcome = 'hit' | 'miss' | 'bypass';

/**
 * Keys. Each account has a generation counter; each section entry holds the generation it was
 * computed under beside the section. Invalidation increments the counter (one O(1) call, no
 * SCAN): an entry of an older generation reads as a miss and is overwritten. One MGET fetches the
 * counter and the sections together, so a warm report costs one cache round trip. The counter has
 * no TTL, so it can never fall back to a generation whose entries are still alive.
 */
export const generationKey = (accountId: string) => `evidence:${accountId}:gen`;
export const sectionCacheKey = (accountId: string, key: SectionKey) =>
  `evidence:${accountId}:v${REPORT_VERSION}:${key}`;

/** Reads a stored generation; anything but a non-negative integer counts as generation 0. */
export function parseGeneration(raw: string | null): number {
  const value = Number(raw ?? 0);
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/**
 * Makes every cached section of the account stale. Called by the Firestore triggers on writes
 * that change evidence. A cache that does not answer is logged: entries then live out their TTL.
 */
export async function invalidateAccountCache(
  deps: Pick<Deps, 'cache'>,
  accountId: string,
): Promise<boolean> {
  const generation = await deps.cache.incr(generationKey(accountId));
  if (generation === undefined) {
    logger.error('evidence cache invalidation failed; entries expire on their TTL', { accountId });
    return false;
  }
  return true;
}

const sectionShapes = evidenceReportSchema.shape.sections.shape;

/**
 * A cached entry is used only if it is of the current generation and still matches its schema
 * (a corrupt entry is a miss).
 */
function parseCachedSection(key: SectionKey, raw: string | null, generation: number) {
  if (raw === null) return undefined;
  try {
    const entry = JSON.parse(raw) as { generation?: unknown; section?: unknown };
    if (entry.generation !== generation) return undefined;
    const parsed = sectionShapes[key].safeParse(entry.section);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The report (or the requested sections) with each section served from the cache when it is
 * there and computed otherwise. Call only after authorization: the cache is keyed by account,
 * not by caller.
 */
export async function cachedReport(
  deps: Deps,
  accountId: string,
  slugs: readonly SectionSlug[],
  build: typeof buildReport = buildReport,
): Promise<{ report: EvidenceReport; cache: CacheOutcome }> {
  const keys = slugs.map((slug) => SECTION_SLUGS[slug]);
  const read = await deps.cache.mget([
    generationKey(accountId),
    ...keys.map((key) => sectionCacheKey(accountId, key)),
  ]);
  if (read === undefined) {
    return { report: await build(deps, accountId, { sections: [...slugs] }), cache: 'bypass' };
  }
  const [rawGeneration, ...cached] = read;
  const generation = parseGeneration(rawGeneration);

  const sections: Record<string, { status: string } | undefined> = {};
  const missing: SectionSlug[] = [];
  slugs.forEach((slug, i) => {
    const section = parseCachedSection(keys[i], cached[i], generation);
    if (section) sections[keys[i]] = section;
    else missing.push(slug);
  });
  if (missing.length > 0) {
    const fresh = await build(deps, accountId, { sections: missing });
    await Promise.all(
      missing.map((slug) => {
        const key = SECTION_SLUGS[slug];
        const section = fresh.sections[key];
        sections[key] = section;
        return deps.cache.set(
          sectionCacheKey(accountId, key),
          JSON.stringify({ generation, section }),
          ttlOf(key, section),
        );
      }),
    );
  }
  // Report order, whatever order sections were found or computed in.
  const ordered = Object.fromEntries(keys.map((key) => [key, sections[key]]));
  const report: EvidenceReport = {
    version: REPORT_VERSION,
    accountId,
    generatedAt: deps.now().toISOString(),
    complete: keys.every((key) => sections[key]?.status === 'ok'),
    sections: ordered as EvidenceReport['sections'],
  };
  return { report, cache: missing.length === 0 ? 'hit' : 'miss' };
}
