import type { IncomingHttpHeaders } from 'node:http';
import type { Deps } from '../app/deps';
import { methodNotAllowed, notFound } from '../domain/errors';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method: string;
  /** Path below `/api`, e.g. `/soc2-evidence` (the `/api` prefix is optional on input). */
  path: string;
  query: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface ApiResponse {
  status?: number;
  body: unknown;
  /** JSON unless a route says otherwise (CSV exports). */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteContext {
  req: ApiRequest;
  params: Record<string, string>;
  deps: Deps;
}

export interface Route {
  method: HttpMethod;
  /** Segments starting with `:` capture one path segment, e.g. `/soc2-archives/:archiveId/download`. */
  path: string;
  handle(ctx: RouteContext): Promise<ApiResponse>;
}

/** Strips the optional `/api` prefix (Hosting rewrite vs direct function URL) and trailing slashes. */
export function normalizePath(rawPath: string): string {
  const path = rawPath.replace(/\/+$/, '') || '/';
  return path === '/api' ? '/' : path.startsWith('/api/') ? path.slice(4) : path;
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(got[i]);
      } catch {
        return undefined;
      }
      if (!value) return undefined;
      params[want[i].slice(1)] = value;
    } else if (want[i] !== got[i]) {
      return undefined;
    }
  }
  return params;
}

/** Finds the route for a request; 404 for an unknown path, 405 (with the allowed methods) otherwise. */
export function resolveRoute(
  routes: readonly Route[],
  method: string,
  rawPath: string,
): { route: Route; params: Record<string, string> } {
  const path = normalizePath(rawPath);
  const allowed: string[] = [];
  for (const route of routes) {
    const params = match(route.path, path);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  if (allowed.length > 0) throw methodNotAllowed(method, allowed);
  throw notFound(`No such endpoint: ${path}`);
}
