import type { Route } from './router';
import { accessReviewRoutes } from './routes/accessReviews';
import { accountRoutes } from './routes/accounts';
import { archiveRoutes } from './routes/archives';
import { auditLogRoutes } from './routes/auditLogs';
import { complianceRoutes } from './routes/compliance';
import { evidenceRoutes } from './routes/evidence';
import { evidenceExportRoutes } from './routes/evidenceExport';
import { evidenceItemRoutes } from './routes/evidenceItems';
import { healthRoutes } from './routes/health';
import { openApiRoutes } from './routes/openapi';
import { reportRoutes } from './routes/reports';

/** Every `/api` route. Each feature contributes its own list from functions/http/routes/. */
export const ROUTES: readonly Route[] = [
  ...healthRoutes,
  ...accountRoutes,
  ...auditLogRoutes,
  ...evidenceRoutes,
  ...openApiRoutes,
  ...complianceRoutes,
  ...evidenceExportRoutes,
  ...archiveRoutes,
  ...reportRoutes,
  ...evidenceItemRoutes,
  ...accessReviewRoutes,
];
