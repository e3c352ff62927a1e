import { ApiError } from '../../../functions/domain/errors';
import { ROUTES } from '../../../functions/http/routes';
import { normalizePath, resolveRoute, type Route } from '../../../functions/http/router';

const route = (method: Route['method'], path: string): Route => ({
  method,
  path,
  doc: { summary: `${method} ${path}`, responses: { 200: { description: 'JSON.' } } },
  handle: async () => ({ body: { method, path } }),
});

const ROUTE_TABLE: Route[] = [
  route('GET', '/soc2-evidence'),
  route('GET', '/soc2-evidence/public-key'),
  route('GET', '/soc2-archives'),
  route('POST', '/soc2-archives'),
  route('GET', '/soc2-archives/:archiveId/download'),
];

function resolveError(method: string, path: string): ApiError {
  try {
    resolveRoute(ROUTE_TABLE, method, path);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`${method} ${path} resolved, expected an error`);
}

describe('normalizePath', () => {
  it.each([
    ['/api/soc2-evidence', '/soc2-evidence'],
    ['/soc2-evidence', '/soc2-evidence'],
    ['/api/soc2-evidence/', '/soc2-evidence'],
    ['/api', '/'],
    ['/api/', '/'],
    ['', '/'],
    ['/apix/soc2-evidence', '/apix/soc2-evidence'],
  ])('%j becomes %j', (raw, normalized) => {
    expect(normalizePath(raw)).toBe(normalized);
  });
});

describe('resolveRoute', () => {
  it('finds the same route with or without the /api prefix', () => {
    const direct = resolveRoute(ROUTE_TABLE, 'GET', '/soc2-evidence');
    const viaHosting = resolveRoute(ROUTE_TABLE, 'GET', '/api/soc2-evidence');
    expect(viaHosting.route).toBe(direct.route);
    expect(direct.route.path).toBe('/soc2-evidence');
  });

  it('prefers the literal route over a shorter one sharing its prefix', () => {
    expect(resolveRoute(ROUTE_TABLE, 'GET', '/api/soc2-evidence/public-key').route.path).toBe(
      '/soc2-evidence/public-key',
    );
  });

  it('picks the route by method when two share a path', () => {
    expect(resolveRoute(ROUTE_TABLE, 'POST', '/api/soc2-archives').route.method).toBe('POST');
    expect(resolveRoute(ROUTE_TABLE, 'GET', '/api/soc2-archives').route.method).toBe('GET');
  });

  it('captures and percent-decodes a path parameter', () => {
    const { params } = resolveRoute(
      ROUTE_TABLE,
      'GET',
      '/api/soc2-archives/2026-Q3%20final/download',
    );
    expect(params).toEqual({ archiveId: '2026-Q3 final' });
  });

  it('answers 404 for an unknown path, naming it', () => {
    const error = resolveError('GET', '/api/nope');
    expect(error.status).toBe(404);
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('/nope');
  });

  it('answers 404 when a path has more or fewer segments than any route', () => {
    expect(resolveError('GET', '/api/soc2-archives/a/b/download').status).toBe(404);
    expect(resolveError('GET', '/api/soc2-archives/a').status).toBe(404);
  });

  it('answers 404, not 500, for malformed percent-encoding in a parameter', () => {
    const error = resolveError('GET', '/api/soc2-archives/%E0%A4%A/download');
    expect(error.status).toBe(404);
  });

  it('answers 404 for an empty parameter', () => {
    expect(resolveError('GET', '/api/soc2-archives//download').status).toBe(404);
  });

  it('answers 405 with every allowed method for a known path and a wrong method', () => {
    const error = resolveError('DELETE', '/api/soc2-archives');
    expect(error.status).toBe(405);
    expect(error.code).toBe('method_not_allowed');
    expect(error.details).toEqual({ allowed: ['GET', 'POST'] });
    expect(resolveError('POST', '/soc2-evidence').details).toEqual({ allowed: ['GET'] });
  });

  it('does not match method names case-insensitively', () => {
    expect(resolveError('get', '/soc2-evidence').status).toBe(405);
  });
});

describe('the route registry', () => {
  it('registers no method and path twice', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it('registers only paths below /api written without the prefix', () => {
    for (const r of ROUTES) {
      expect(r.path).toMatch(/^\/[a-z0-9-]/);
      expect(r.path.startsWith('/api/')).toBe(false);
    }
  });
});
