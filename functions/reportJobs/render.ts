import type { Readable } from 'node:stream';
import type { AccessReviewsExport } from '../accessReviews/export';
import type { ComplianceExport } from '../compliance/export';
import { accessReviewCsv, renderCsv, type CsvColumn } from '../report/csv';
import { coverPage, pdfStream, type Chapter } from '../report/pdf/document';
import { accessReviewsChapter, incidentsChapter, sectionChapters } from '../report/pdf/reportPdf';
import { when } from '../report/pdf/sections';
import type { EvidenceReport } from '../schema/evidence';
import { SEVERITIES, type Severity } from '../schema/catalogs';

/**
 * The access-review and incident reports a job builds (pure: data in, bytes out). JSON carries
 * everything, including what could not be read; CSV is the table an auditor opens in a
 * spreadsheet, through the report's own CSV renderer (formula-injection guard included); PDF is
 * the report for people, with the chapters report.pdf shows for the same evidence, streamed.
 */

/** What every report document says about itself. */
export interface ReportMeta {
  accountId: string;
  periodId: string;
  periodStart: Date;
  /** Exclusive. */
  periodEnd: Date;
  generatedAt: Date;
}

const metaFields = (meta: ReportMeta) => ({
  accountId: meta.accountId,
  periodId: meta.periodId,
  periodStart: meta.periodStart.toISOString(),
  periodEnd: meta.periodEnd.toISOString(),
  generatedAt: meta.generatedAt.toISOString(),
});

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

type AccessReviewSection = NonNullable<EvidenceReport['sections']['accessReview']>;

/**
 * The access review as of the period's end (members with role, permissions, identity facts, keys)
 * and, in JSON, the period's review campaigns with every decision, sign-off and follow-up, as
 * access-reviews.json of a bundle carries them.
 */
export function accessReviewReport(
  section: AccessReviewSection,
  campaigns: AccessReviewsExport,
  meta: ReportMeta,
  format: 'json' | 'csv',
): string {
  if (format === 'csv') return accessReviewCsv(section.data);
  return json({
    reportType: 'access_review',
    ...metaFields(meta),
    asOf: meta.periodEnd.toISOString(),
    status: section.status,
    collectedAt: section.generatedAt,
    ...section.data,
    campaigns: campaigns.accessReviews,
    malformedCampaignDocuments: campaigns.malformed,
  });
}

type IncidentRow = ComplianceExport['incidents'][number];

/** Response SLA compliance of a set of incidents: counts per state, overall and per severity. */
export function slaCompliance(incidents: readonly IncidentRow[]) {
  const count = (rows: readonly IncidentRow[]) => {
    const met = rows.filter((i) => i.responseSla.state === 'met').length;
    const breached = rows.filter((i) => i.responseSla.state === 'breached').length;
    const decided = met + breached;
    return {
      total: rows.length,
      met,
      breached,
      pending: rows.length - decided,
      /** Of the incidents whose SLA is decided (met or breached); null when none is. */
      metPercent: decided === 0 ? null : Math.round((met / decided) * 1000) / 10,
    };
  };
  return {
    ...count(incidents),
    bySeverity: Object.fromEntries(
      SEVERITIES.map((s: Severity) => [s, count(incidents.filter((i) => i.severity === s))]),
    ),
  };
}

const INCIDENT_COLUMNS: CsvColumn<IncidentRow>[] = [
  { header: 'id', value: (i) => i.id },
  { header: 'title', value: (i) => i.title },
  { header: 'severity', value: (i) => i.severity },
  { header: 'phase', value: (i) => i.phase },
  { header: 'detectedAt', value: (i) => i.detectedAt },
  { header: 'responseSlaMinutes', value: (i) => i.responseSla.responseSlaMinutes },
  { header: 'slaDeadline', value: (i) => i.responseSla.deadline },
  { header: 'firstResponseAt', value: (i) => i.responseSla.firstResponseAt },
  { header: 'minutesToFirstResponse', value: (i) => i.responseSla.minutesToFirstResponse },
  { header: 'slaState', value: (i) => i.responseSla.state },
];

/**
 * Incidents open at some time in the period, each with its response SLA as of the period's end,
 * and the compliance figures. A stored incident that fails its schema is listed (JSON) or counted
 * in a closing row (CSV), never dropped.
 */
export function incidentReport(
  compliance: Pick<ComplianceExport, 'incidents' | 'malformed'>,
  meta: ReportMeta,
  format: 'json' | 'csv',
): string {
  const malformed = compliance.malformed.incidents;
  if (format === 'csv') {
    const table = renderCsv(INCIDENT_COLUMNS, compliance.incidents);
    if (malformed.length === 0) return table;
    const note = renderCsv(
      [
        { header: 'malformedIncidentId', value: (m: (typeof malformed)[number]) => m.id },
        { header: 'problem', value: (m) => m.problem },
      ],
      malformed,
    );
    return `${table}\r\n${note}`;
  }
  return json({
    reportType: 'incident',
    ...metaFields(meta),
    slaCompliance: slaCompliance(compliance.incidents),
    incidents: compliance.incidents,
    malformedIncidents: malformed,
  });
}

/** What the cover of a job's PDF says about the report: account, period, when generated. */
const coverFacts = (meta: ReportMeta): [string, string][] => [
  ['Account', meta.accountId],
  [
    'Period',
    `${meta.periodId}: ${when(meta.periodStart.toISOString())} to ${when(meta.periodEnd.toISOString())} (end exclusive)`,
  ],
  ['Generated at', when(meta.generatedAt.toISOString())],
];

/** A job's PDF: a cover with the report's facts, then its chapters. */
function jobPdf(
  title: string,
  meta: ReportMeta,
  facts: readonly [string, string][],
  chapters: readonly Chapter[],
): Readable {
  return pdfStream({
    header: `${title} · ${meta.accountId} · ${meta.periodId}`,
    title: `${title}, ${meta.accountId}, ${meta.periodId}`,
    createdAt: meta.generatedAt,
    cover: (c) => coverPage(c, title, meta.accountId, [...coverFacts(meta), ...facts]),
    chapters,
  });
}

/** The chapters of the access review PDF: the access as of the period's end, then the campaigns. */
export function accessReviewChapters(
  section: AccessReviewSection,
  campaigns: AccessReviewsExport,
): Chapter[] {
  return [
    ...sectionChapters({ sections: { accessReview: section } }),
    accessReviewsChapter(campaigns),
  ];
}

/**
 * The access review as of the period's end, as a PDF: members, roles, API keys, changes, and the
 * period's review campaigns with every decision, sign-off and follow-up.
 */
export function accessReviewReportPdf(
  section: AccessReviewSection,
  campaigns: AccessReviewsExport,
  meta: ReportMeta,
): Readable {
  return jobPdf(
    'Access review',
    meta,
    [
      ['As of', when(meta.periodEnd.toISOString())],
      ['Members', String(section.data.totals.members)],
      ['API keys', String(section.data.apiKeys.total)],
    ],
    accessReviewChapters(section, campaigns),
  );
}

type SlaCounts = ReturnType<typeof slaCompliance>;
const percent = (value: number | null) => (value === null ? '—' : `${value}%`);

/**
 * The incident report as a PDF: first-response SLA compliance overall and per severity, then each
 * incident of the period with its timeline.
 */
export function incidentReportPdf(
  compliance: Pick<ComplianceExport, 'incidents' | 'malformed'>,
  meta: ReportMeta,
): Readable {
  const sla = slaCompliance(compliance.incidents);
  const rows: [string, Omit<SlaCounts, 'bySeverity'>][] = [
    ['All', sla],
    ...SEVERITIES.map((s): [string, Omit<SlaCounts, 'bySeverity'>] => [s, sla.bySeverity[s]]),
  ];
  const slaChapter: Chapter = {
    anchor: 'sla',
    title: 'SLA compliance',
    status: '',
    render: async (c) => {
      await c.paragraph(
        'First-response SLA per severity, as of the period end. Met percent counts the incidents ' +
          'whose SLA is decided (met or breached); pending ones are still inside their SLA.',
        { size: 9 },
      );
      await c.table(
        [
          { header: 'Severity', width: 1, value: (r) => r[0] },
          { header: 'Incidents', width: 1, value: (r) => String(r[1].total) },
          { header: 'Met', width: 1, value: (r) => String(r[1].met) },
          { header: 'Breached', width: 1, value: (r) => String(r[1].breached) },
          { header: 'Pending', width: 1, value: (r) => String(r[1].pending) },
          { header: 'Met percent', width: 1, value: (r) => percent(r[1].metPercent) },
        ],
        rows,
      );
    },
  };
  return jobPdf(
    'Incident report',
    meta,
    [
      ['Incidents', String(sla.total)],
      [
        'First-response SLA',
        `${sla.met} met, ${sla.breached} breached, ${sla.pending} pending (${percent(sla.metPercent)} met)`,
      ],
    ],
    [slaChapter, incidentsChapter(compliance)],
  );
}
