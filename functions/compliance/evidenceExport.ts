import type { Deps } from '../app/deps';
import { exportAccessReviewsForPeriod } from '../accessReviews/export';
import { customPeriod } from '../bundle/period';
import { cachedReport } from '../report/cache';
import { renderCsv, type CsvColumn } from '../report/csv';
import { coverPage, pdfStream } from '../report/pdf/document';
import {
  accessReviewsChapter,
  accountLabel,
  evidenceItemsChapter,
  periodChapters,
  sectionChapters,
  unsignedNote,
} from '../report/pdf/reportPdf';
import { when } from '../report/pdf/sections';
import {
  UNRESOLVED_FINDING_STATUSES,
  type ControlDayDoc,
  type EvidenceExportQuery,
} from '../schema/compliance';
import type { EvidenceReport } from '../schema/evidence';
import { evidenceItemView } from '../schema/evidenceItems';
import { BUNDLE_FILES } from '../schema/manifest';
import { SECTION_SLUG_LIST, SECTION_SLUGS } from '../schema/report';
import { CONTROLS } from './controlCatalog';
import { exportComplianceForPeriod } from './export';
import { listEvidenceItems } from './evidenceItems';
import { buildAssessmentResults, reportEvidence, resultsOfDays } from './oscal';
import { listFindings } from './records';
import { storedControlResults } from './storedResults';

/**
 * Evidence for auditors outside the quarterly bundle: the export by criteria and period
 * (CONTRACT §8) and the live report as OSCAL. Reads only; authorization is the caller's job.
 */

/** Every criterion some control of the catalog tests, sorted: what an export may ask for. */
export const EXPORT_CRITERIA: readonly string[] = [
  ...new Set(CONTROLS.flatMap((c) => c.criteria)),
].sort();

/**
 * The controls mapped to the criteria, their daily results in the period, the findings of those
 * controls and the incidents open at some point in it, the access-review campaigns active in it
 * (when a control rests on them), the stored evidence items naming the criteria that were in force
 * during it, and the report sections the controls read (live, from the cache like
 * GET /api/soc2-evidence).
 */
export async function exportEvidence(
  deps: Deps,
  accountId: string,
  query: Pick<EvidenceExportQuery, 'criteria' | 'periodStart' | 'periodEnd'>,
) {
  const period = customPeriod(new Date(query.periodStart), new Date(query.periodEnd), deps.now());
  const controls = CONTROLS.filter((c) => c.criteria.some((k) => query.criteria.includes(k)));
  const read = new Set(controls.flatMap((c) => c.evidence.sections));
  const slugs = SECTION_SLUG_LIST.filter((slug) => read.has(SECTION_SLUGS[slug]));
  const readsReviews = controls.some((c) =>
    c.evidence.bundleFiles.includes(BUNDLE_FILES.accessReviews),
  );
  const [compliance, report, accessReviews, evidenceItems] = await Promise.all([
    exportComplianceForPeriod(deps, accountId, period.start, period.end, controls),
    slugs.length > 0 ? cachedReport(deps, accountId, slugs).then((r) => r.report) : undefined,
    readsReviews
      ? exportAccessReviewsForPeriod(deps, accountId, period.start, period.end)
      : undefined,
    itemsInForce(deps, accountId, query.criteria, period),
  ]);
  const generatedAt = deps.now().toISOString();
  return {
    accountId,
    criteria: query.criteria,
    generatedAt,
    controls,
    ...compliance,
    accessReviews: accessReviews ?? null,
    evidenceItems,
    report: {
      generatedAt: report?.generatedAt ?? generatedAt,
      complete: report?.complete ?? true,
      sections: report?.sections ?? {},
    },
  };
}

export type EvidenceExport = Awaited<ReturnType<typeof exportEvidence>>;

/** Stored items naming any of `criteria` in force at some time in the period (effective, not expired). */
async function itemsInForce(
  deps: Deps,
  accountId: string,
  criteria: string[],
  period: { start: Date; end: Date },
) {
  const { docs, malformed } = await listEvidenceItems(deps, accountId, {
    criteria,
    state: 'stored',
  });
  const now = deps.now();
  const items = docs
    .filter(({ value }) => value.effectiveAt < period.end)
    .filter(({ value }) => value.expiresAt === null || value.expiresAt > period.start)
    .map(({ id, value }) => evidenceItemView(id, value, now));
  return { items, malformed };
}

const DAY_COLUMNS: CsvColumn<ControlDayDoc & { criteria: string; name: string }>[] = [
  { header: 'day', value: (d) => d.day },
  { header: 'controlId', value: (d) => d.controlId },
  { header: 'controlName', value: (d) => d.name },
  { header: 'criteria', value: (d) => d.criteria },
  { header: 'status', value: (d) => d.last.status },
  { header: 'statusesSeen', value: (d) => d.statusesSeen.join('; ') },
  { header: 'evaluations', value: (d) => d.evaluations },
  { header: 'measured', value: (d) => (d.last.measured === null ? '' : String(d.last.measured)) },
  { header: 'threshold', value: (d) => d.last.threshold },
  { header: 'detail', value: (d) => d.last.detail },
  { header: 'firstEvaluatedAt', value: (d) => d.first.evaluatedAt },
  { header: 'lastEvaluatedAt', value: (d) => d.last.evaluatedAt },
];

/** The export as CSV: one row per control and day (the findings and incidents are in the JSON). */
export function evidenceExportCsv(exported: EvidenceExport): string {
  const controls = new Map(exported.controls.map((c) => [c.id, c]));
  const rows = exported.controlResults.map((d) => ({
    ...d,
    name: controls.get(d.controlId)?.name ?? d.controlId,
    criteria: controls.get(d.controlId)?.criteria.join('; ') ?? '',
  }));
  return renderCsv(DAY_COLUMNS, rows);
}

/**
 * The export as a PDF for people, streamed: a cover naming the criteria and the period, the
 * controls mapped to them with their daily results, the findings and incidents of the period,
 * then the report sections those controls read. Generated on request, so not signed.
 */
export function evidenceExportPdf(
  exported: EvidenceExport,
  accountName: string | undefined,
  keyId: string,
) {
  const account = accountLabel(exported.accountId, accountName);
  const criteria = exported.criteria.join(', ');
  const days = `${exported.periodStart.slice(0, 10)} to ${exported.periodEnd.slice(0, 10)}`;
  return pdfStream({
    header: `SOC 2 evidence export · ${account} · ${criteria} · ${days}`,
    title: `SOC 2 evidence export, ${account}, ${criteria}, ${days}`,
    createdAt: new Date(exported.generatedAt),
    cover: (c) =>
      coverPage(c, 'SOC 2 evidence export', account, [
        ['Account', account],
        ['Criteria', criteria],
        ['Period', `${when(exported.periodStart)} to ${when(exported.periodEnd)} (end exclusive)`],
        ['Generated at', when(exported.generatedAt)],
        ['Controls', exported.controls.map((c) => c.id).join(', ')],
        [
          'Report sections read',
          exported.report.complete ? 'complete' : 'incomplete: see the degraded sections',
        ],
        ['Signature', unsignedNote(keyId)],
      ]),
    chapters: [
      ...periodChapters(exported, exported.controls),
      ...(exported.accessReviews ? [accessReviewsChapter(exported.accessReviews)] : []),
      evidenceItemsChapter(exported.evidenceItems.items.map(exportedItemEntry), EXPORT_ITEMS_INTRO),
      ...sectionChapters(exported.report),
    ],
  });
}

const EXPORT_ITEMS_INTRO =
  'Stored evidence items naming these criteria that were in force at some time in the period, each with its file name and the SHA-256 recorded when it was uploaded (download the file from the evidence items page or API and compare).';

const exportedItemEntry = (item: EvidenceExport['evidenceItems']['items'][number]) => ({
  file: item.fileName,
  title: item.title,
  criteria: item.criteria,
  effectiveAt: item.effectiveAt,
  expiresAt: item.expiresAt,
  sha256: item.sha256 ?? '',
  size: item.size ?? 0,
});

const malformedRemark = (count: number) =>
  count > 0 ? { remarks: `${count} stored results were malformed and are not observed here.` } : {};

/** The export as OSCAL assessment results: its controls, their results, their findings. */
export function evidenceExportOscal(exported: EvidenceExport) {
  return buildAssessmentResults({
    accountId: exported.accountId,
    period: { start: new Date(exported.periodStart), end: new Date(exported.periodEnd) },
    generatedAt: new Date(exported.generatedAt),
    controls: exported.controls,
    results: resultsOfDays(exported.controlResults),
    findings: exported.findings,
    evidence: reportEvidence(exported.accountId, exported.report),
    ...malformedRemark(exported.malformedControlResults),
  });
}

/**
 * The live report as OSCAL: each control's latest stored result, the unresolved findings, and the
 * sections of `report` as evidence. The result's period runs from the oldest of those results to
 * the report's generation.
 */
export async function liveAssessmentResults(deps: Deps, accountId: string, report: EvidenceReport) {
  const [stored, { findings }] = await Promise.all([
    storedControlResults(deps, accountId),
    listFindings(deps, accountId, {}),
  ]);
  const end = new Date(report.generatedAt);
  return buildAssessmentResults({
    accountId,
    period: {
      start: stored.evaluatedAt && stored.evaluatedAt < end ? stored.evaluatedAt : end,
      end,
    },
    generatedAt: end,
    controls: CONTROLS,
    results: stored.results,
    findings: findings.filter((f) => UNRESOLVED_FINDING_STATUSES.includes(f.status)),
    evidence: reportEvidence(accountId, report),
  });
}
