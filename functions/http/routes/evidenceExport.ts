import {
  EXPORT_CRITERIA,
  evidenceExportCsv,
  evidenceExportOscal,
  evidenceExportPdf,
  exportEvidence,
} from '../../compliance/evidenceExport';
import { EVIDENCE_EXPORT_FORMATS, evidenceExportQuerySchema } from '../../schema/compliance';
import { accountRoute, type Route } from '../router';

/**
 * `GET /api/compliance/evidence/export` (CONTRACT §8): the evidence for some criteria over a
 * period, as JSON, CSV (one row per control and day), a PDF for people (streamed) or OSCAL
 * assessment results.
 */
export const evidenceExportRoutes: Route[] = [
  accountRoute({
    method: 'GET',
    path: '/compliance/evidence/export',
    doc: {
      summary: 'Evidence for SOC 2 criteria over a period',
      description:
        'Needs `audit:read`. The controls mapped to the criteria, their daily results in ' +
        '[periodStart, periodEnd) (at most 366 days, not in the future), the findings of those controls and ' +
        'the incidents open at some point in the period, and the live report sections the controls read. ' +
        '`csv` has one row per control and day; `pdf` is the same evidence for people (streamed, ' +
        'not signed); `oscal` is OSCAL 1.0.6 assessment results.',
      parameters: {
        accountId: 'The account.',
        criteria: `Comma-separated criteria, of: ${EXPORT_CRITERIA.join(', ')}.`,
        periodStart: 'ISO-8601, inclusive.',
        periodEnd: 'ISO-8601, exclusive.',
        format: `One of ${EVIDENCE_EXPORT_FORMATS.join(', ')}; json by default.`,
      },
      responses: {
        200: {
          description: 'JSON (the export or OSCAL), CSV, or PDF.',
          otherContent: {
            'text/csv': { schema: { type: 'string' } },
            'application/pdf': { schema: { type: 'string', format: 'binary' } },
          },
        },
      },
    },
    access: { permission: 'audit:read' },
    input: {
      in: 'query',
      schema: evidenceExportQuerySchema(EXPORT_CRITERIA),
      afterAuthorization: true,
    },
    async handle({ deps, caller, input }) {
      const exported = await exportEvidence(deps, caller.accountId, input);
      const name = `${caller.accountId}-evidence-${input.criteria.join('_')}`;
      const headers = { 'Cache-Control': 'private, no-store' };
      const attachment = (file: string) => ({
        ...headers,
        'Content-Disposition': `attachment; filename="${file}"`,
      });
      if (input.format === 'csv') {
        return {
          body: evidenceExportCsv(exported),
          contentType: 'text/csv; charset=utf-8',
          headers: attachment(`${name}.csv`),
        };
      }
      if (input.format === 'pdf') {
        return {
          body: evidenceExportPdf(exported, caller.account.name, deps.signer().keyId),
          contentType: 'application/pdf',
          headers: attachment(`${name}.pdf`),
        };
      }
      if (input.format === 'oscal') {
        return {
          body: evidenceExportOscal(exported),
          headers: attachment(`${name}-assessment-results.json`),
        };
      }
      return { body: exported, headers };
    },
  }),
];
