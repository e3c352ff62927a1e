import { z } from 'zod';
import { CONTROL_IDS } from '../compliance/controlCatalog';
import { utcDay } from '../domain/time';
import { accountOnlyQuerySchema } from '../schema/api';
import { auditLogQuerySchema } from '../schema/audit';
import {
  archiveListResponseSchema,
  createArchiveBodySchema,
  createArchiveResponseSchema,
  downloadResponseSchema,
  publicKeyResponseSchema,
} from '../schema/bundle';
import {
  createFindingBodySchema,
  createIncidentBodySchema,
  listFindingsQuerySchema,
  listIncidentsQuerySchema,
  updateFindingBodySchema,
  updateIncidentBodySchema,
} from '../schema/compliance';
import {
  CSV_SECTION_SLUGS,
  CSV_TABLES,
  evidenceReportSchema,
  evidenceRequestSchema,
} from '../schema/evidence';
import { REPORT_VERSION } from '../schema/report';

/**
 * The OpenAPI 3.1 document of every `/api` route, generated from the zod schemas the routes parse
 * and answer with (zod 4's JSON Schema output, draft 2020-12 — the dialect OpenAPI 3.1 uses).
 * Served at `/api/openapi.json`; a test checks real responses of the local stack against it, and
 * that every registered route is documented here.
 */

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.enum([
      'invalid_argument',
      'unauthenticated',
      'permission_denied',
      'plan_required',
      'not_found',
      'method_not_allowed',
      'conflict',
      'internal',
    ]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

const healthResponseSchema = z.object({ ok: z.literal(true) });

/** Audit events keep every stored field (CONTRACT §4); only id and timestamp are fixed here. */
const auditLogPageSchema = z.object({
  events: z.array(
    z.object({ id: z.string(), timestamp: z.string().nullable() }).catchall(z.unknown()),
  ),
  nextPageToken: z.string().nullable(),
});

/** Components: every named response shape, referenced by `#/components/schemas/<id>`. */
const COMPONENTS = {
  Error: errorResponseSchema,
  EvidenceReport: evidenceReportSchema,
  AuditLogPage: auditLogPageSchema,
  ArchiveList: archiveListResponseSchema,
  CreateArchive: createArchiveResponseSchema,
  SignedUrl: downloadResponseSchema,
  PublicKey: publicKeyResponseSchema,
  Health: healthResponseSchema,
} as const;
type ComponentId = keyof typeof COMPONENTS;

type JsonSchema = Record<string, unknown>;

/** Drops `$id`/`$schema`: inside an OpenAPI document a schema is located by its path. */
function embedded(schema: unknown): JsonSchema {
  const copy = { ...(schema as JsonSchema) };
  delete copy.$id;
  delete copy.$schema;
  return copy;
}

function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'output',
    unrepresentable: 'any',
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, embedded(schema)]));
}

const ref = (id: ComponentId) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: ComponentId) => ({ 'application/json': { schema: ref(id) } });

/** Query parameters from a request schema's input side, each named, typed and marked required. */
function queryParameters(schema: z.ZodObject, descriptions: Record<string, string> = {}) {
  return Object.entries(schema.shape).map(([name, field]) => {
    const fieldSchema = z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' });
    return {
      name,
      in: 'query',
      required: !(field as z.ZodType).safeParse(undefined).success,
      schema: embedded(fieldSchema),
      ...(descriptions[name] ? { description: descriptions[name] } : {}),
    };
  });
}

const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      { description: ERROR_DESCRIPTIONS[status], content: json('Error') },
    ]),
  );
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: '`invalid_argument`: a missing, repeated, malformed or unknown parameter (the message lists valid values).',
  401: '`unauthenticated`: no, malformed, expired or revoked Firebase ID token.',
  403: '`permission_denied` (role lacks the permission, or not a member) or `plan_required` (not enterprise).',
  404: '`not_found`.',
  405: '`method_not_allowed`; the `Allow` header lists the methods.',
  409: '`conflict`.',
};
const AUTHENTICATED = [{ firebaseIdToken: [] }];

const evidenceCsvNote = Object.entries(CSV_TABLES)
  .map(([slug, tables]) => `\`${slug}\`: ${tables.join(', ')}`)
  .join('; ');

/** Operations keyed `METHOD /path` with the router's `:param` syntax (so routes can be matched). */
export const OPERATIONS: Record<string, Record<string, unknown>> = {
  'GET /health': {
    summary: 'Liveness probe',
    security: [],
    responses: { '200': { description: 'Up.', content: json('Health') } },
  },
  'GET /openapi.json': {
    summary: 'This document',
    security: [],
    responses: { '200': { description: 'OpenAPI 3.1 document.' } },
  },
  'GET /soc2-evidence': {
    summary: 'The live SOC 2 evidence report, or one section',
    description:
      'Needs `audit:read` in the account and the enterprise plan. Sections are computed in parallel; ' +
      'a failing section is `degraded` and the report `complete: false`, still 200. Each section is ' +
      'cached 5 minutes (degraded: 15 s); `X-Evidence-Cache` says `hit`, `miss` or `bypass` (cache ' +
      `unavailable). \`format=csv\` needs a tabular section: ${evidenceCsvNote} (the first table is the default).`,
    parameters: queryParameters(evidenceRequestSchema, {
      accountId: 'The account whose evidence to report.',
      section: 'One section slug; all nine when absent.',
      format:
        '`json` (default) or `csv` (only with a section of: ' + CSV_SECTION_SLUGS.join(', ') + ').',
      table: 'With format=csv: which table of the section.',
    }),
    responses: {
      '200': {
        description: `Report version ${REPORT_VERSION}, or a CSV table.`,
        headers: {
          'X-Evidence-Cache': { schema: { type: 'string', enum: ['hit', 'miss', 'bypass'] } },
          'X-Evidence-Complete': { schema: { type: 'string', enum: ['true', 'false'] } },
        },
        content: {
          ...json('EvidenceReport'),
          'text/csv': { schema: { type: 'string' } },
        },
      },
      ...errors(400, 401, 403, 405),
    },
  },
  'GET /soc2-evidence/public-key': {
    summary: 'The Ed25519 public key that verifies bundle manifests',
    security: [],
    responses: { '200': { description: 'SPKI PEM.', content: json('PublicKey') } },
  },
  'GET /audit-logs': {
    summary: 'Audit events, newest first, filtered and paged',
    parameters: queryParameters(auditLogQuerySchema),
    responses: {
      '200': { description: 'One page.', content: json('AuditLogPage') },
      ...errors(400, 401, 403, 405),
    },
  },
  'GET /soc2-archives': {
    summary: 'Evidence bundles of the account, newest first',
    parameters: queryParameters(accountOnlyQuerySchema),
    responses: {
      '200': { description: 'Archive index.', content: json('ArchiveList') },
      ...errors(400, 401, 403, 405),
    },
  },
  'POST /soc2-archives': {
    summary: 'Build a bundle for any period now (needs `audit:export`)',
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: embedded(
            z.toJSONSchema(createArchiveBodySchema, { io: 'input', unrepresentable: 'any' }),
          ),
        },
      },
    },
    responses: {
      '201': { description: 'The bundle built now.', content: json('CreateArchive') },
      '200': {
        description: 'The period was archived before (or its stored object was re-indexed).',
        content: json('CreateArchive'),
      },
      ...errors(400, 401, 403, 405, 409),
    },
  },
  'GET /soc2-archives/:archiveId/download': {
    summary: 'A V4 signed URL for one bundle, valid 15 minutes',
    parameters: [
      { name: 'archiveId', in: 'path', required: true, schema: { type: 'string' } },
      ...queryParameters(accountOnlyQuerySchema),
    ],
    responses: {
      '200': { description: 'Signed URL.', content: json('SignedUrl') },
      ...errors(400, 401, 403, 404, 405),
    },
  },
};

/** A request body schema from its input side (factories are evaluated at a fixed date: only refinements depend on it). */
const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: {
    'application/json': {
      schema: embedded(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })),
    },
  },
});
const DOC_DATE = new Date('2026-01-01T00:00:00.000Z');
const pathParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
});
const complianceRead = (summary: string, parameters: unknown[]) => ({
  summary,
  parameters,
  responses: { '200': { description: 'JSON.' }, ...errors(400, 401, 403, 404, 405) },
});
const complianceWrite = (summary: string, body: z.ZodType, parameters: unknown[] = []) => ({
  summary,
  parameters,
  requestBody: jsonBody(body),
  responses: {
    '200': { description: 'JSON.' },
    '201': { description: 'Created.' },
    ...errors(400, 401, 403, 404, 405, 409),
  },
});

/** The compliance routes (functions/http/routes/compliance.ts): inputs from their schemas. */
Object.assign(OPERATIONS, {
  'GET /compliance/status': complianceRead(
    'SOC 2 control status summary',
    queryParameters(accountOnlyQuerySchema),
  ),
  'GET /compliance/controls': complianceRead(
    'Controls with their latest test results',
    queryParameters(accountOnlyQuerySchema),
  ),
  'GET /compliance/controls/:controlId/evidence': complianceRead('Evidence behind one control', [
    pathParam('controlId'),
    ...queryParameters(accountOnlyQuerySchema),
  ]),
  'POST /compliance/evaluate': complianceWrite(
    'Evaluate every control now and store the results (level 60 and above)',
    accountOnlyQuerySchema.strict(),
  ),
  'GET /compliance/findings': complianceRead('Findings', queryParameters(listFindingsQuerySchema)),
  'POST /compliance/findings': complianceWrite(
    'Open a finding',
    createFindingBodySchema(CONTROL_IDS, utcDay(DOC_DATE)),
  ),
  'PATCH /compliance/findings/:findingId': complianceWrite(
    'Update a finding',
    updateFindingBodySchema(utcDay(DOC_DATE)),
    [pathParam('findingId')],
  ),
  'GET /compliance/incidents': complianceRead(
    'Incidents',
    queryParameters(listIncidentsQuerySchema),
  ),
  'POST /compliance/incidents': complianceWrite(
    'Open an incident',
    createIncidentBodySchema(DOC_DATE),
  ),
  'PATCH /compliance/incidents/:incidentId': complianceWrite(
    'Update an incident',
    updateIncidentBodySchema(DOC_DATE),
    [pathParam('incidentId')],
  ),
});

const openApiPath = (path: string) => `/api${path.replace(/:([A-Za-z]+)/g, '{$1}')}`;

let document: Record<string, unknown> | undefined;

/** The document, built once per process (it only depends on code). */
export function openApiDocument(): Record<string, unknown> {
  if (document) return document;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, operation] of Object.entries(OPERATIONS)) {
    const [method, path] = key.split(' ');
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = operation;
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
    security: AUTHENTICATED,
    paths,
    components: {
      schemas: componentSchemas(),
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
