import { z } from 'zod';
import { ERROR_CODES } from '../domain/errors';
import { REPORT_VERSION } from '../schema/report';
import { inputSchemaAt, type ResponseDoc, type Route } from './router';
import { ROUTES } from './routes';

/**
 * The OpenAPI 3.1 document of every `/api` route, generated from the routes' own declarations:
 * the input schema they parse, the responses they answer with (zod 4's JSON Schema output, draft
 * 2020-12 — the dialect OpenAPI 3.1 uses), whether they need a token. Served at
 * `/api/openapi.json`; a test checks real responses of the local stack against it.
 */

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

type JsonSchema = Record<string, unknown>;

/** Drops `$id`/`$schema`: inside an OpenAPI document a schema is located by its path. */
function embedded(schema: unknown): JsonSchema {
  const copy = { ...(schema as JsonSchema) };
  delete copy.$id;
  delete copy.$schema;
  return copy;
}

const jsonSchemaOfInput = (schema: z.ZodType) =>
  embedded(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));

/** Components: the error body and every named response body the routes declare. */
function componentSchemas(routes: readonly Route[]): Record<string, JsonSchema> {
  const named = new Map<string, z.ZodType>([['Error', errorResponseSchema]]);
  for (const route of routes) {
    for (const response of Object.values(route.doc.responses)) {
      if (response.body) named.set(response.body.id, response.body.schema);
    }
  }
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'output',
    unrepresentable: 'any',
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, embedded(schema)]));
}

const json = (id: string) => ({
  'application/json': { schema: { $ref: `#/components/schemas/${id}` } },
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: '`invalid_argument`: a missing, repeated, malformed or unknown parameter (the message lists valid values).',
  401: '`unauthenticated`: no, malformed, expired or revoked Firebase ID token.',
  403: '`permission_denied` (role lacks the permission, or not a member) or `plan_required` (not enterprise).',
  404: '`not_found`.',
  405: '`method_not_allowed`; the `Allow` header lists the methods.',
  409: '`failed_precondition`: the resource is not in a state that allows this (e.g. a bundle still building).',
  413: "`too_large`: the request body is over the route's limit.",
  415: '`unsupported_media_type`: a request body that is not JSON (UTF-8).',
  503: '`unavailable`: contention or overload; retry after the `Retry-After` header (seconds).',
};
/** What every account route can answer besides its own errors. */
const ACCOUNT_ROUTE_ERRORS = [400, 401, 403, 405, 503];
/** What a route for any signed-in caller (no account) can answer besides its own errors. */
const SIGNED_IN_ROUTE_ERRORS = [401, 405, 503];
/** What a route that takes a body can answer besides. */
const BODY_ROUTE_ERRORS = [415];

/** Request bodies whose schema depends on the clock are documented as of this date. */
const DOC_DATE = new Date('2026-01-01T00:00:00.000Z');

function successResponse({ description, body, headers, otherContent }: ResponseDoc) {
  const content = { ...(body ? json(body.id) : {}), ...otherContent };
  return {
    description,
    ...(headers ? { headers } : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

function responses(route: Route) {
  const body = route.input?.in === 'body' ? BODY_ROUTE_ERRORS : [];
  const errors = route.access
    ? [...ACCOUNT_ROUTE_ERRORS, ...body, ...(route.doc.errors ?? [])]
    : route.signedIn
      ? [...SIGNED_IN_ROUTE_ERRORS, ...(route.doc.errors ?? [])]
      : [];
  return {
    ...Object.fromEntries(
      Object.entries(route.doc.responses).map(([status, r]) => [status, successResponse(r)]),
    ),
    ...Object.fromEntries(
      errors
        .sort((a, b) => a - b)
        .map((status) => [
          String(status),
          { description: ERROR_DESCRIPTIONS[status], content: json('Error') },
        ]),
    ),
  };
}

/** Path parameters from the route's `:name` segments, then query parameters from its input. */
function parameters(route: Route) {
  const path = [...route.path.matchAll(/:([A-Za-z]+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const input = route.input?.in === 'query' ? inputSchemaAt(route.input, DOC_DATE) : undefined;
  const query = Object.entries(input instanceof z.ZodObject ? input.shape : {}).map(
    ([name, field]) => ({
      name,
      in: 'query',
      required: !(field as z.ZodType).safeParse(undefined).success,
      schema: jsonSchemaOfInput(field as z.ZodType),
      ...(route.doc.parameters?.[name] ? { description: route.doc.parameters[name] } : {}),
    }),
  );
  return [...path, ...query];
}

function requestBody(route: Route) {
  if (route.rawBody) {
    return {
      required: true,
      description: route.rawBody.description,
      content: {
        '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
      },
    };
  }
  if (route.input?.in !== 'body') return undefined;
  const body = inputSchemaAt(route.input, DOC_DATE);
  return { required: true, content: { 'application/json': { schema: jsonSchemaOfInput(body) } } };
}

function operation(route: Route): Record<string, unknown> {
  const params = parameters(route);
  const body = requestBody(route);
  return {
    summary: route.doc.summary,
    ...(route.doc.description ? { description: route.doc.description } : {}),
    // Account and signed-in routes take the document's default security (the Firebase ID token).
    ...(route.access || route.signedIn ? {} : { security: [] }),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: responses(route),
  };
}

/** Operations keyed `METHOD /path` with the router's `:param` syntax (so routes can be matched). */
export function operations(
  routes: readonly Route[] = ROUTES,
): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    routes.map((route) => [`${route.method} ${route.path}`, operation(route)]),
  );
}

const openApiPath = (path: string) => `/api${path.replace(/:([A-Za-z]+)/g, '{$1}')}`;

let document: Record<string, unknown> | undefined;

/** The document, built once per process (it only depends on code). */
export function openApiDocument(): Record<string, unknown> {
  if (document) return document;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, described] of Object.entries(operations())) {
    const [method, path] = key.split(' ');
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = described;
  }
  document = {
    openapi: '3.1.0',
    info: {
      title: 'SOC 2 evidence API',
      version: REPORT_VERSION,
      description:
        'Errors are always `{"error": {"code", "message", "details"?}}`. Authenticated routes take ' +
        '`Authorization: Bearer <Firebase ID token>`; the role is read from the account at request time.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ firebaseIdToken: [] }],
    paths,
    components: {
      schemas: componentSchemas(ROUTES),
      securitySchemes: {
        firebaseIdToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'Firebase ID token (JWT)',
        },
      },
    },
  };
  return document;
}
