import type { IncomingHttpHeaders } from 'node:http';
import type { DecodedIdToken } from 'firebase-admin/auth';
import type { z } from 'zod';
import type { Deps } from '../app/deps';
import type { Caller } from '../domain/caller';
import { methodNotAllowed, notFound } from '../domain/errors';
import type { Permission } from '../domain/roles';
import { authenticate, authorizeRoute } from './authz';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method: string;
  /** Path below `/api`, e.g. `/soc2-evidence` (the `/api` prefix is optional on input). */
  path: string;
  query: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The body's bytes as received (routes that take a raw body); absent when there were none. */
  rawBody?: Buffer;
}

export interface ApiResponse {
  status?: number;
  body: unknown;
  /** JSON unless a route says otherwise (CSV exports; a Readable body for PDF). */
  contentType?: string;
  headers?: Record<string, string>;
}

/** A success response as the OpenAPI document describes it. */
export interface ResponseDoc {
  description: string;
  /** The JSON body's schema and its name under `#/components/schemas`. */
  body?: { id: string; schema: z.ZodType };
  headers?: Record<string, unknown>;
  /** Content types other than JSON (the CSV export). */
  otherContent?: Record<string, unknown>;
}

/** What the OpenAPI document says of a route besides what its declarations already say. */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** Descriptions of query parameters, by name. */
  parameters?: Record<string, string>;
  responses: Record<number, ResponseDoc>;
  /** Error statuses beyond those of every account route (400, 401, 403, 405). */
  errors?: number[];
}

/** Who may call an account route: a permission, and for some writes a minimum role level. */
export interface RouteAccess {
  permission: Permission;
  level?: { min: number; to: string };
}

/**
 * A route that takes its body as raw bytes (a file upload) rather than JSON: any Content-Type
 * reaches it, and it reads `req.rawBody` within `maxBytes`.
 */
export interface RawBody {
  maxBytes: number;
  description: string;
}

/** The request input of an account route; it names the account (`accountId`). */
export interface RouteInput {
  in: 'query' | 'body';
  /** A factory when the schema depends on the clock (dates that must not be in the future). */
  schema: z.ZodType<{ accountId: string }> | ((now: Date) => z.ZodType<{ accountId: string }>);
  /**
   * Validate all but `accountId` only after authorization, so outsiders learn nothing from
   * validation messages (compliance writes). Otherwise the whole input is checked first (400
   * before 403).
   */
  afterAuthorization?: boolean;
}

/** The input schema of a route as of `now`. */
export const inputSchemaAt = (input: RouteInput, now: Date) =>
  typeof input.schema === 'function' ? input.schema(now) : input.schema;

export interface RouteContext {
  req: ApiRequest;
  params: Record<string, string>;
  deps: Deps;
  /** Set on account routes, by the router, once the caller is authorized. */
  caller?: Caller;
  /** Set on signed-in routes, by the router, once the ID token is verified. */
  token?: DecodedIdToken;
  /** The parsed input of an account route. */
  input?: unknown;
}

export interface Route {
  method: HttpMethod;
  /** Segments starting with `:` capture one path segment, e.g. `/soc2-archives/:archiveId/download`. */
  path: string;
  doc: RouteDoc;
  /** Absent on public routes (health, this API's description, the public key). */
  access?: RouteAccess;
  /** Needs a verified ID token but names no account (the caller's own memberships). */
  signedIn?: true;
  input?: RouteInput;
  /** Path parameters, validated after authorization. */
  params?: z.ZodType;
  rawBody?: RawBody;
  handle(ctx: RouteContext): Promise<ApiResponse>;
}

/** The context an account route's handler sees: the authorized caller and its parsed input. */
export interface AccountContext<I> extends RouteContext {
  caller: Caller;
  input: I;
}

/** Declares an account route; the router authorizes and parses before `handle` runs. */
export function accountRoute<S extends z.ZodType<{ accountId: string }>>(route: {
  method: HttpMethod;
  path: string;
  doc: RouteDoc;
  access: RouteAccess;
  input: RouteInput & { schema: S | ((now: Date) => S) };
  params?: z.ZodType;
  rawBody?: RawBody;
  handle(ctx: AccountContext<z.output<S>>): Promise<ApiResponse>;
}): Route {
  return {
    ...route,
    handle: (ctx) => route.handle(ctx as AccountContext<z.output<S>>),
  };
}

/** Declares a route for any signed-in caller; the router verifies the ID token before `handle`. */
export function signedInRoute(route: {
  method: HttpMethod;
  path: string;
  doc: RouteDoc;
  handle(ctx: RouteContext & { token: DecodedIdToken }): Promise<ApiResponse>;
}): Route {
  return {
    ...route,
    signedIn: true,
    handle: (ctx) => route.handle(ctx as RouteContext & { token: DecodedIdToken }),
  };
}

/** Runs a resolved route; an account route's handler runs only once its caller is authorized. */
export async function runRoute(
  route: Route,
  ctx: Omit<RouteContext, 'caller' | 'input' | 'token'>,
): Promise<ApiResponse> {
  // Such a route takes no input, so the token (401) is all there is to check before it runs.
  if (route.signedIn)
    return route.handle({ ...ctx, token: await authenticate(ctx.deps, ctx.req.headers) });
  if (!route.access) return route.handle(ctx);
  // An account route names its account in its input; without one it could not be authorized.
  if (!route.input) throw new Error(`${route.method} ${route.path} has access but no input`);
  const authorized = await authorizeRoute(ctx.deps, ctx.req, ctx.params, {
    access: route.access,
    input: route.input,
    params: route.params,
  });
  return route.handle({ ...ctx, ...authorized });
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
