import { openApiDocument } from '../openapi';
import type { Route } from '../router';

/** `GET /api/openapi.json`: the API's own description; public, touches no data. */
export const openApiRoutes: Route[] = [
  { method: 'GET', path: '/openapi.json', handle: async () => ({ body: openApiDocument() }) },
];
