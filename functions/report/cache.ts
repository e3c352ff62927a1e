import { createHash } from 'node:crypto';
import * as logger from 'firebase-functions/logger';
import { z } from 'zod';
import type { Deps } from '../app/deps';
import { evidenceReportSchema, type EvidenceReport } from '../schema/evidence';
import {
  REPORT_VERSION,
  SECTION_SLUGS,
  sectionResultSchema,
  type SectionKey,
  type SectionResult,
  type SectionSlug,
} from '../schema/report';
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
export const TTL_FRESH_COLLECTIONS = [
  'auditLogs',
  'auditRollups',
  'auditDays',
  'auditWindow',
] as const;

function ttlOf(key: SectionKey, section: { status: string }): number {
  if (section.status !== 'ok') return DEGRADED_TTL_SECONDS;
  return key === 'auditLogSummary' ? AUDIT_SUMMARY_TTL_SECONDS : SECTION_TTL_SECONDS;
}

export type CacheOutcome = 'hit' | 'miss' | 'bypass';

const sectionShapes = evidenceReportSchema.shape.sections.shape;

/**
 * A digest of each section's schema, part of its cache key: an entry written by code with another
 * section shape is never read (a miss), so a hit can be served as the stored JSON without parsing
 * and re-validating it on every request. Computed once per process.
 */
const schemaDigests = new Map<SectionKey, string>();
function schemaDigestOf(key: SectionKey): string {
  let digest = schemaDigests.get(key);
  if (digest === undefined) {
    const schema = z.toJSONSchema(sectionShapes[key], { io: 'output', unrepresentable: 'any' });
    digest = sha256Base64Url(JSON.stringify(schema)).slice(0, 12);
    schemaDigests.set(key, digest);
  }
  return digest;
}

const sha256Base64Url = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * Keys. Each account has a generation counter; each section entry holds the generation it was
 * computed under beside the section. Invalidation increments the counter (one O(1) call, no
 * SCAN): an entry of an older generation reads as a miss and is overwritten. One MGET fetches the
 * counter and the sections together, so a warm report costs one cache round trip. The counter has
 * no TTL, so it can never fall back to a generation whose entries are still alive.
 */
export const generationKey = (accountId: string) => `evidence:${accountId}:gen`;
export const sectionCacheKey = (accountId: string, key: SectionKey) =>
  `evidence:${accountId}:v${REPORT_VERSION}:${key}:${schemaDigestOf(key)}`;

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

/** One section as the cache holds it: its JSON text, with its status and digest beside it. */
export interface SerializedSection {
  key: SectionKey;
  status: SectionResult['status'];
  /** SHA-256 of `json`, base64url: checks the entry on read and makes the report's ETag. */
  digest: string;
  json: string;
}

/** What an entry says before the section's JSON: one line (JSON.stringify never emits a newline). */
const entryHeaderSchema = z.object({
  generation: z.number(),
  status: sectionResultSchema.shape.status,
  digest: z.string(),
});

function entryText(generation: number, section: SerializedSection): string {
  const header = { generation, status: section.status, digest: section.digest };
  return `${JSON.stringify(header)}\n${section.json}`;
}

/**
 * A cached entry is used only if it is of the current generation and its JSON still has the
 * digest it was written with (a corrupt entry is a miss). Its shape is its key's (schema digest).
 */
function readEntry(
  key: SectionKey,
  raw: string | null,
  generation: number,
): SerializedSection | undefined {
  const newline = raw?.indexOf('\n') ?? -1;
  if (raw === null || newline < 0) return undefined;
  let header;
  try {
    header = entryHeaderSchema.safeParse(JSON.parse(raw.slice(0, newline)));
  } catch {
    return undefined;
  }
  if (!header.success || header.data.generation !== generation) return undefined;
  const json = raw.slice(newline + 1);
  if (sha256Base64Url(json) !== header.data.digest) return undefined;
  return { key, status: header.data.status, digest: header.data.digest, json };
}

function serializeSection(key: SectionKey, section: SectionResult | undefined): SerializedSection {
  // buildReport answers every section it is asked for, degraded when it failed.
  if (!section) throw new Error(`the report build returned no ${key} section`);
  const json = JSON.stringify(section);
  return { key, status: section.status, digest: sha256Base64Url(json), json };
}

/**
 * The requested sections in report order, each served from the cache when it is there and
 * computed (and cached) otherwise. Call only after authorization: the cache is keyed by account,
 * not by caller.
 */
async function cachedSections(
  deps: Deps,
  accountId: string,
  slugs: readonly SectionSlug[],
  build: typeof buildReport,
): Promise<{ sections: SerializedSection[]; cache: CacheOutcome }> {
  const keys = slugs.map((slug) => SECTION_SLUGS[slug]);
  const read = await deps.cache.mget([
    generationKey(accountId),
    ...keys.map((key) => sectionCacheKey(accountId, key)),
  ]);
  if (read === undefined) {
    const fresh = await build(deps, accountId, { sections: [...slugs] });
    return {
      sections: keys.map((key) => serializeSection(key, fresh.sections[key])),
      cache: 'bypass',
    };
  }
  const [rawGeneration, ...cached] = read;
  const generation = parseGeneration(rawGeneration);
  const sections = keys.map((key, i) => readEntry(key, cached[i], generation));
  const missing = slugs.filter((_, i) => sections[i] === undefined);
  if (missing.length > 0) {
    const fresh = await build(deps, accountId, { sections: missing });
    await Promise.all(
      keys.map((key, i) => {
        if (sections[i]) return undefined;
        const section = serializeSection(key, fresh.sections[key]);
        sections[i] = section;
        return deps.cache.set(
          sectionCacheKey(accountId, key),
          entryText(generation, section),
          ttlOf(key, section),
        );
      }),
    );
  }
  return {
    sections: sections as SerializedSection[],
    cache: missing.length === 0 ? 'hit' : 'miss',
  };
}

const isComplete = (sections: readonly SerializedSection[]) =>
  sections.every((section) => section.status === 'ok');

/** The report (or the requested sections) as an object, for the exports that work on it. */
export async function cachedReport(
  deps: Deps,
  accountId: string,
  slugs: readonly SectionSlug[],
  build: typeof buildReport = buildReport,
): Promise<{ report: EvidenceReport; cache: CacheOutcome }> {
  const { sections, cache } = await cachedSections(deps, accountId, slugs, build);
  const report: EvidenceReport = {
    version: REPORT_VERSION,
    accountId,
    generatedAt: deps.now().toISOString(),
    complete: isComplete(sections),
    sections: Object.fromEntries(
      sections.map((section) => [section.key, JSON.parse(section.json)]),
    ) as EvidenceReport['sections'],
  };
  return { report, cache };
}

/** The report as JSON text, ready to send, with a weak ETag for conditional requests. */
export interface ReportJson {
  json: string;
  complete: boolean;
  /** Weak: the same sections make the same tag, whatever the envelope's `generatedAt`. */
  etag: string;
  cache: CacheOutcome;
}

/**
 * The report (or the requested sections) as JSON text: the same document as `cachedReport`'s,
 * assembled from the sections' stored JSON, so a warm report is neither parsed nor re-serialized.
 */
export async function cachedReportJson(
  deps: Deps,
  accountId: string,
  slugs: readonly SectionSlug[],
  build: typeof buildReport = buildReport,
): Promise<ReportJson> {
  const { sections, cache } = await cachedSections(deps, accountId, slugs, build);
  const complete = isComplete(sections);
  const envelope = JSON.stringify({
    version: REPORT_VERSION,
    accountId,
    generatedAt: deps.now().toISOString(),
    complete,
  });
  const body = sections.map((section) => `${JSON.stringify(section.key)}:${section.json}`);
  const tagged = sections.map((section) => `${section.key}:${section.digest}`);
  return {
    json: `${envelope.slice(0, -1)},"sections":{${body.join(',')}}}`,
    complete,
    etag: `W/"${sha256Base64Url(`${REPORT_VERSION}|${accountId}|${tagged.join('|')}`)}"`,
    cache,
  };
}
