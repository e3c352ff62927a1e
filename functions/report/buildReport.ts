import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import { withDeadline } from '../domain/deadline';
import { ValidationError } from '../domain/errors';
import type { EvidenceReport, SectionDataMap } from '../schema/evidence';
import {
  REPORT_VERSION,
  SECTION_SLUG_LIST,
  SECTION_SLUGS,
  type SectionKey,
  type SectionSlug,
} from '../schema/report';
import { SECTIONS, type SectionDefinition, type SectionRegistry } from './registry';
import { ReportSources } from './sources';

/**
 * Per-section time budget: a section still running after it is reported degraded. A section
 * whose work grows with the account declares its own (SectionDefinition.timeoutMs).
 */
export const DEFAULT_SECTION_TIMEOUT_MS = 10_000;

/**
 * Budget of each section in a build off the request path (a bundle's report.json, a report job),
 * which runs in a task with a 30-minute timeout: a 50,000-member access review, past the request
 * path's budget on a busy machine, is still computed whole there.
 */
export const BACKGROUND_SECTION_TIMEOUT_MS = 10 * 60_000;

export interface BuildReportOptions {
  /** Evaluation time for windows and ages; defaults to `deps.now()`. */
  asOf?: Date;
  /** Slugs to include; all nine by default. */
  sections?: SectionSlug[];
  /** Fault injection for tests: replace some sections' definitions, the rest stay live. */
  sectionOverrides?: Partial<SectionRegistry>;
  /**
   * Every section's budget, for builds off the request path (bundles, report jobs) that may take
   * longer; by default each section's own (SectionDefinition.timeoutMs), else
   * DEFAULT_SECTION_TIMEOUT_MS.
   */
  sectionTimeoutMs?: number;
  /** Filled with what the build cost, for logs and benchmarks. */
  stats?: ReportStats;
}

/** What one build cost: reads in all and per source, milliseconds per section. */
export interface ReportStats {
  documentsRead: number;
  readsBySource?: Record<string, number>;
  sectionMs?: Partial<Record<SectionKey, number>>;
}

type SectionOutcome<K extends SectionKey> = NonNullable<EvidenceReport['sections'][K]>;

class SectionTimeout extends Error {
  constructor(readonly ms: number) {
    super(`section did not finish within ${ms} ms`);
  }
}

/** What a client sees of a failure: a stable code and a message without internals. */
function sectionError(error: unknown): { code: string; message: string } {
  if (error instanceof SectionTimeout) {
    return { code: 'timeout', message: `The section did not finish within ${error.ms} ms.` };
  }
  if (error instanceof ValidationError) {
    // The stored document belongs to the caller's own account; naming its problem is safe.
    return { code: 'malformed_documents', message: `Invalid stored document: ${error.message}` };
  }
  return { code: 'section_failed', message: 'The section could not be computed.' };
}

async function runSection<K extends SectionKey>(
  key: K,
  definition: SectionDefinition<K>,
  sources: ReportSources,
  timeoutMs: number,
  now: () => Date,
): Promise<SectionOutcome<K>> {
  const { accountId, asOf } = sources;
  try {
    const data = await withDeadline(
      definition.compute(sources),
      timeoutMs,
      () => new SectionTimeout(timeoutMs),
    );
    const malformed = definition.malformedCount(data);
    const generatedAt = now().toISOString();
    if (malformed === 0) return { status: 'ok', generatedAt, data } as SectionOutcome<K>;
    return {
      status: 'degraded',
      generatedAt,
      error: {
        code: 'malformed_documents',
        message: `${malformed} stored document(s) failed validation; the data covers the valid ones and lists or counts the rest.`,
      },
      data,
    } as SectionOutcome<K>;
  } catch (error) {
    logger.error('evidence section degraded', {
      accountId,
      section: key,
      error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
    });
    return {
      status: 'degraded',
      generatedAt: now().toISOString(),
      error: sectionError(error),
      data: definition.empty(asOf) as SectionDataMap[K],
    } as SectionOutcome<K>;
  }
}

/**
 * The evidence report (CONTRACT §4): the requested sections computed in parallel from live data,
 * each with its own timeout. A failing section degrades alone; the report is `complete` only when
 * every included section is ok. Authorization is the caller's job and must come first.
 */
export async function buildReport(
  deps: Deps,
  accountId: string,
  options: BuildReportOptions = {},
): Promise<EvidenceReport> {
  const asOf = options.asOf ?? deps.now();
  const registry: SectionRegistry = { ...SECTIONS, ...options.sectionOverrides };
  const slugs = options.sections ?? SECTION_SLUG_LIST;
  const sources = new ReportSources(deps, accountId, asOf);
  const started = Date.now();
  const sectionMs: Partial<Record<SectionKey, number>> = {};
  const entries = await Promise.all(
    slugs.map(async (slug) => {
      const key = SECTION_SLUGS[slug];
      const definition = registry[key] as SectionDefinition<typeof key>;
      const sectionStarted = Date.now();
      const budget = options.sectionTimeoutMs ?? definition.timeoutMs ?? DEFAULT_SECTION_TIMEOUT_MS;
      const outcome = await runSection(key, definition, sources, budget, deps.now);
      sectionMs[key] = Date.now() - sectionStarted;
      return [key, outcome] as const;
    }),
  );
  const sections = Object.fromEntries(entries) as EvidenceReport['sections'];
  const complete = entries.every(([, section]) => section.status === 'ok');
  const stats: ReportStats = {
    documentsRead: sources.documentsRead,
    readsBySource: sources.readsBySource,
    sectionMs,
  };
  if (options.stats) Object.assign(options.stats, stats);
  logger.info('evidence report built', {
    accountId,
    sections: slugs.length,
    complete,
    ...stats,
    durationMs: Date.now() - started,
  });
  return {
    version: REPORT_VERSION,
    accountId,
    generatedAt: deps.now().toISOString(),
    complete,
    sections,
  };
}
