import { Readable } from 'node:stream';
import { exportAccessReviewsForPeriod } from '../accessReviews/export';
import type { Deps } from '../app/deps';
import { ObjectExistsError, type EvidenceStore } from '../adapters/storage';
import { archiveDepsFrom, archivePeriod, type ArchiveDeps } from '../bundle/archive';
import { sha256OfStream } from '../bundle/streamHash';
import { exportComplianceForPeriod } from '../compliance/export';
import { BACKGROUND_SECTION_TIMEOUT_MS, buildReport } from '../report/buildReport';
import type { JobResult, ReportJobDoc } from '../schema/reportJobs';
import { bundleResult, type JobBuilder } from './jobs';
import {
  accessReviewReport,
  accessReviewReportPdf,
  incidentReport,
  incidentReportPdf,
  type ReportMeta,
} from './render';

/**
 * How each report type is built and stored. soc2 goes through the bundle path the quarterly
 * schedule uses (archivePeriod: write-once object, index document, chain). The other reports are
 * rendered from one row per member or incident, not per event: JSON and CSV as text, PDF streamed
 * page by page, stored once under `report-jobs/{accountId}/{jobId}.{json|csv|pdf}`.
 */

const CONTENT_TYPES = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
} as const;
type RenderedFormat = keyof typeof CONTENT_TYPES;

/**
 * Stores a rendered report once; a second build of the same job finds the first one's object.
 * Size and SHA-256 are read back from the stored object either way (uploads are all or nothing),
 * so the job records what a reader downloads.
 */
async function storeOnce(
  store: EvidenceStore,
  objectPath: string,
  contentType: string,
  fileName: string,
  content: Readable,
): Promise<JobResult> {
  try {
    await store.writeOnce(objectPath, contentType, content);
  } catch (error) {
    // A renderer still writing must not wait for a reader that has gone.
    content.destroy();
    if (!(error instanceof ObjectExistsError)) throw error;
  }
  const stored = await sha256OfStream(store.createReadStream(objectPath));
  return { objectPath, contentType, fileName, ...stored };
}

/** A section that could not be computed is not evidence: the attempt fails and is retried. */
async function accessReviewSection(deps: Deps, accountId: string, asOf: Date) {
  const report = await buildReport(deps, accountId, {
    asOf,
    sections: ['access-review'],
    sectionTimeoutMs: BACKGROUND_SECTION_TIMEOUT_MS,
  });
  const section = report.sections.accessReview;
  if (!section || section.status !== 'ok') {
    throw new Error(
      `access review section ${section?.status ?? 'missing'}: ${section?.error?.code}`,
    );
  }
  return section;
}

const text = (content: string) => Readable.from([Buffer.from(content, 'utf8')]);

async function renderJob(
  deps: Deps,
  accountId: string,
  job: ReportJobDoc,
  format: RenderedFormat,
): Promise<Readable> {
  const meta: ReportMeta = {
    accountId,
    periodId: job.periodId,
    periodStart: job.periodStart,
    periodEnd: job.periodEnd,
    generatedAt: deps.now(),
  };
  if (job.reportType === 'access_review') {
    const [section, campaigns] = await Promise.all([
      accessReviewSection(deps, accountId, job.periodEnd),
      exportAccessReviewsForPeriod(deps, accountId, job.periodStart, job.periodEnd),
    ]);
    return format === 'pdf'
      ? accessReviewReportPdf(section, campaigns, meta)
      : text(accessReviewReport(section, campaigns, meta, format));
  }
  const compliance = await exportComplianceForPeriod(
    deps,
    accountId,
    job.periodStart,
    job.periodEnd,
  );
  return format === 'pdf'
    ? incidentReportPdf(compliance, meta)
    : text(incidentReport(compliance, meta, format));
}

/**
 * The production builder. `archive` builds soc2 bundles (injectable: tests fail it on purpose);
 * by default the archive path with the production sources.
 */
export function jobBuilder(
  deps: Deps,
  archive: () => ArchiveDeps = () => archiveDepsFrom(deps),
): JobBuilder {
  return async (accountId, jobId, job) => {
    if (job.reportType === 'soc2') {
      const period = { id: job.periodId, start: job.periodStart, end: job.periodEnd };
      const outcome = await archivePeriod(archive(), accountId, period);
      return bundleResult(accountId, outcome.archiveId, outcome.index);
    }
    const format: RenderedFormat = job.format === 'zip' ? 'json' : job.format;
    return storeOnce(
      deps.evidenceStore(),
      `report-jobs/${accountId}/${jobId}.${format}`,
      CONTENT_TYPES[format],
      `${accountId}-${jobId}.${format}`,
      await renderJob(deps, accountId, job, format),
    );
  };
}
