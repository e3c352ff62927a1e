import { openApiDocument } from '../openapi';
import type { Route } from '../router';

/** `GET /api/openapi.json`: the API's own description; public, touches no data. */
export const openApiRoutes: Route[] = [
  {
    method: 'GET',
    path: '/openapi.json',
    doc: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1 document.' } } },
    handle: async () => ({ body: openApiDocument() }),
  },
];
