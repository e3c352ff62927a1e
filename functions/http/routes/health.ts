import type { Route } from '../router';

/** Liveness probe for the local stack and load balancers; touches no data. */
export const healthRoutes: Route[] = [
  { method: 'GET', path: '/health', handle: async () => ({ body: { ok: true } }) },
];
