import { z } from 'zod';
import type { Route } from '../router';

const healthResponseSchema = z.object({ ok: z.literal(true) });

/** Liveness probe for the local stack and load balancers; touches no data. */
export const healthRoutes: Route[] = [
  {
    method: 'GET',
    path: '/health',
    doc: {
      summary: 'Liveness probe',
      responses: {
        200: { description: 'Up.', body: { id: 'Health', schema: healthResponseSchema } },
      },
    },
    handle: async () => ({ body: { ok: true } }),
  },
];
