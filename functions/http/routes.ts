import type { Route } from './router';
import { auditLogRoutes } from './routes/auditLogs';
import { healthRoutes } from './routes/health';

/** Every `/api` route. Each feature contributes its own list from functions/http/routes/. */
export const ROUTES: readonly Route[] = [...healthRoutes, ...auditLogRoutes];
