import { queryAuditLogs } from '../../audit/query';
import { auditLogPageSchema, auditLogQuerySchema } from '../../schema/audit';
import { accountRoute, type Route } from '../router';

/** `GET /api/audit-logs` (CONTRACT §4): filtered audit events, newest first, cursor pages. */
export const auditLogRoutes: Route[] = [
  accountRoute({
    method: 'GET',
    path: '/audit-logs',
    doc: {
      summary: 'Audit events, newest first, filtered and paged',
      responses: {
        200: { description: 'One page.', body: { id: 'AuditLogPage', schema: auditLogPageSchema } },
      },
    },
    access: { permission: 'audit:read' },
    input: { in: 'query', schema: auditLogQuerySchema },
    handle: async ({ deps, input }) => ({ body: await queryAuditLogs(deps.db, input) }),
  }),
];
