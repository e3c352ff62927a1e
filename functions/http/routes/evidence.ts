import { liveAssessmentResults } from '../../compliance/evidenceExport';
import { verifyInstructions } from '../../bundle/readme';
import { exportComplianceForPeriod } from '../../compliance/export';
import type { Deps } from '../../app/deps';
import type { Caller } from '../../domain/caller';
import { cachedReport, cachedReportJson, type CacheOutcome } from '../../report/cache';
import { sectionTableCsv } from '../../report/csv';
import { reportPdfStream } from '../../report/pdf/reportPdf';
import { windowStartOf } from '../../report/types';
import {
  CSV_SECTION_SLUGS,
  CSV_TABLES,
  evidenceReportSchema,
  evidenceRequestSchema,
  type CsvSectionSlug,
} from '../../schema/evidence';
import { REPORT_VERSION, SECTION_SLUG_LIST } from '../../schema/report';
import type { EvidenceReport } from '../../schema/evidence';
import { ifNoneMatch, JSON_CONTENT_TYPE } from '../mediaType';
import { accountRoute, type ApiResponse, type Route } from '../router';

const csvTablesNote = Object.entries(CSV_TABLES)
  .map(([slug, tables]) => `\`${slug}\`: ${tables.join(', ')}`)
  .join('; ');

const LIVE_PDF_VERIFY_NOTE =
  'This copy was generated live from the API and is not signed. The signed copy of a period is ' +
  "report.pdf inside that quarter's evidence bundle, listed with its SHA-256 in the signed " +
  'manifest.json. To check a bundle:\n\n';

/**
 * The live report as a PDF, streamed. The whole report also carries the control results,
 * findings and incidents of the report window (30 days); one section is just that section.
 */
async function livePdf(
  deps: Deps,
  caller: Caller,
  report: EvidenceReport,
  section: string | undefined,
  headers: Record<string, string>,
): Promise<ApiResponse> {
  const compliance = section
    ? undefined
    : await exportComplianceForPeriod(
        deps,
        caller.accountId,
        windowStartOf(deps.now()),
        deps.now(),
      );
  const body = reportPdfStream({
    report,
    accountName: caller.account.name,
    cover: { kind: 'live', keyId: deps.signer().keyId },
    compliance,
    howToVerify: LIVE_PDF_VERIFY_NOTE + verifyInstructions(),
  });
  const filename = `${caller.accountId}-${section ?? 'soc2-evidence'}.pdf`;
  return {
    body,
    contentType: 'application/pdf',
    headers: { ...headers, 'Content-Disposition': `attachment; filename="${filename}"` },
  };
}

const reportHeaders = (cache: CacheOutcome, complete: boolean) => ({
  // Evidence is sensitive and per caller: no shared or browser cache may keep it.
  'Cache-Control': 'private, no-store',
  'X-Evidence-Cache': cache,
  'X-Evidence-Complete': String(complete),
});

/**
 * `GET /api/soc2-evidence`: the live evidence report, or one section, as JSON or (for tabular
 * sections) CSV, or as a PDF. The router checks the token, the input and the caller's membership before the
 * cache or any evidence is touched.
 */
export const evidenceRoutes: Route[] = [
  accountRoute({
    method: 'GET',
    path: '/soc2-evidence',
    doc: {
      summary: 'The live SOC 2 evidence report, or one section',
      description:
        'Needs `audit:read` in the account and the enterprise plan. Sections are computed in parallel; ' +
        'a failing section is `degraded` and the report `complete: false`, still 200. Each section is ' +
        'cached 5 minutes (degraded: 15 s); `X-Evidence-Cache` says `hit`, `miss` or `bypass` (cache ' +
        'unavailable). JSON answers carry a weak `ETag` (the same sections, the same tag): a request ' +
        'with a matching `If-None-Match` gets 304 without a body, after the same authorization. ' +
        `\`format=csv\` needs a tabular section: ${csvTablesNote} (the first table is the default). ` +
        "`format=oscal` gives the whole report as OSCAL 1.0.6 assessment results: each control's latest " +
        'result as an observation citing the sections it read (with their SHA-256), and the unresolved findings.',
      parameters: {
        accountId: 'The account whose evidence to report.',
        section: 'One section slug; all nine when absent.',
        format:
          '`json` (default), `csv` (only with a section of: ' +
          CSV_SECTION_SLUGS.join(', ') +
          '), `pdf` (the report, or the section, for people; streamed) or `oscal` (without a section).',
        table: 'With format=csv: which table of the section.',
      },
      responses: {
        200: {
          description: `Report version ${REPORT_VERSION}, a CSV table, or (format=oscal) an OSCAL assessment-results document.`,
          headers: {
            'X-Evidence-Cache': { schema: { type: 'string', enum: ['hit', 'miss', 'bypass'] } },
            'X-Evidence-Complete': { schema: { type: 'string', enum: ['true', 'false'] } },
            ETag: { schema: { type: 'string' } },
          },
          body: { id: 'EvidenceReport', schema: evidenceReportSchema },
          otherContent: {
            'text/csv': { schema: { type: 'string' } },
            'application/pdf': { schema: { type: 'string', format: 'binary' } },
          },
        },
      },
    },
    access: { permission: 'audit:read' },
    input: { in: 'query', schema: evidenceRequestSchema },
    async handle({ deps, caller, req, input: query }) {
      const slugs = query.section ? [query.section] : SECTION_SLUG_LIST;
      if (query.format === undefined || query.format === 'json') {
        const { json, complete, etag, cache } = await cachedReportJson(
          deps,
          query.accountId,
          slugs,
        );
        const headers = { ...reportHeaders(cache, complete), ETag: etag };
        return ifNoneMatch(req.headers['if-none-match'], etag)
          ? { status: 304, body: undefined, headers }
          : { body: json, contentType: JSON_CONTENT_TYPE, headers };
      }
      const { report, cache } = await cachedReport(deps, query.accountId, slugs);
      const headers = reportHeaders(cache, report.complete);
      if (query.format === 'oscal') {
        return {
          body: await liveAssessmentResults(deps, query.accountId, report),
          headers: {
            ...headers,
            'Content-Disposition': `attachment; filename="${query.accountId}-assessment-results.json"`,
          },
        };
      }
      if (query.format === 'pdf') return livePdf(deps, caller, report, query.section, headers);

      // The schema admits format=csv only with a section that has tables.
      const section = query.section as CsvSectionSlug;
      const csv = sectionTableCsv(report, section, query.table);
      const filename = `${query.accountId}-${section}${query.table ? `-${query.table}` : ''}.csv`;
      return {
        body: csv,
        contentType: 'text/csv; charset=utf-8',
        headers: { ...headers, 'Content-Disposition': `attachment; filename="${filename}"` },
      };
    },
  }),
];
