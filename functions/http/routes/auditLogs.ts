import { queryAuditLogs } from '../../audit/query';
import { auditLogQuerySchema } from '../../schema/audit';
import { authenticate, authorizeAccount } from '../authz';
import type { Route } from '../router';
import { parseInput } from '../validate';

/** `GET /api/audit-logs` (CONTRACT §4): filtered audit events, newest first, cursor pages. */
export const auditLogRoutes: Route[] = [
  {
    method: 'GET',
    path: '/audit-logs',
    async handle({ req, deps }) {
      const token = await authenticate(deps, req.headers);
      const query = parseInput(auditLogQuerySchema, req.query);
      await authorizeAccount(deps, token, query.accountId, 'audit:read');
      return { body: await queryAuditLogs(deps.db, query) };
    },
  },
];
