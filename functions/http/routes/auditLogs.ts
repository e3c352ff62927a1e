import { queryAuditLogs } from '../../audit/query';
import { auditLogQuerySchema } from '../../schema/audit';
import { authorizeRequest } from '../authz';
import type { Route } from '../router';

/** `GET /api/audit-logs` (CONTRACT §4): filtered audit events, newest first, cursor pages. */
export const auditLogRoutes: Route[] = [
  {
    method: 'GET',
    path: '/audit-logs',
    async handle({ req, deps }) {
      const { input: query } = await authorizeRequest(
        deps,
        req.headers,
        auditLogQuerySchema,
        req.query,
        'audit:read',
      );
      return { body: await queryAuditLogs(deps.db, query) };
    },
  },
];
