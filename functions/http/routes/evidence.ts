import { cachedReport } from '../../report/cache';
import { sectionTableCsv } from '../../report/csv';
import { evidenceRequestSchema, type CsvSectionSlug } from '../../schema/evidence';
import { SECTION_SLUG_LIST } from '../../schema/report';
import { authorizeRequest } from '../authz';
import type { Route } from '../router';

/**
 * `GET /api/soc2-evidence`: the live evidence report, or one section, as JSON or (for tabular
 * sections) CSV. Order matters: the token, the input and the caller's membership are checked
 * before the cache or any evidence is touched.
 */
export const evidenceRoutes: Route[] = [
  {
    method: 'GET',
    path: '/soc2-evidence',
    async handle({ req, deps }) {
      const { input: query } = await authorizeRequest(
        deps,
        req.headers,
        evidenceRequestSchema,
        req.query,
        'audit:read',
      );

      const slugs = query.section ? [query.section] : SECTION_SLUG_LIST;
      const { report, cache } = await cachedReport(deps, query.accountId, slugs);
      const headers = {
        // Evidence is sensitive and per caller: no shared or browser cache may keep it.
        'Cache-Control': 'private, no-store',
        'X-Evidence-Cache': cache,
        'X-Evidence-Complete': String(report.complete),
      };
      if (query.format !== 'csv') return { body: report, headers };

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
  },
];
