import { z } from 'zod';
import type { Deps } from '../../app/deps';
import { CONTROL_IDS, CONTROLS, findControl } from '../../compliance/controlCatalog';
import { DEFAULT_CONTROL_TEST_CONFIG } from '../../compliance/controlTests';
import { evaluateAccountControls } from '../../compliance/evaluation';
import { isoDay } from '../../compliance/findings';
import {
  createFinding,
  createIncident,
  listFindings,
  listIncidents,
  updateFinding,
  updateIncident,
} from '../../compliance/records';
import { complianceStatus } from '../../compliance/status';
import { notFound, permissionDenied } from '../../domain/errors';
import { accountIdParam, accountOnlyQuerySchema } from '../../schema/api';
import { documentId, parseInput } from '../../schema/common';
import {
  createFindingBodySchema,
  createIncidentBodySchema,
  criterionGroupOf,
  listFindingsQuerySchema,
  listIncidentsQuerySchema,
  updateFindingBodySchema,
  updateIncidentBodySchema,
} from '../../schema/compliance';
import type { Caller } from '../../domain/caller';
import { COMPLIANCE_WRITE_LEVEL } from '../../domain/roles';
import { authorizeRequest } from '../authz';
import type { ApiRequest, Route } from '../router';

/** Reading needs `audit:read` in the account named by the query string. */
async function reader(deps: Deps, req: ApiRequest): Promise<Caller> {
  const { caller } = await authorizeRequest(
    deps,
    req.headers,
    accountOnlyQuerySchema.loose(),
    req.query,
    'audit:read',
  );
  return caller;
}

/**
 * Writing needs `audit:read` and level ≥ 60 in the account named by the body. The rest of the body
 * is validated only after authorization, so outsiders learn nothing from validation messages.
 */
async function writer(deps: Deps, req: ApiRequest): Promise<Caller> {
  const { caller } = await authorizeRequest(
    deps,
    req.headers,
    z.looseObject({ accountId: accountIdParam }),
    req.body ?? {},
    'audit:read',
  );
  if (caller.level < COMPLIANCE_WRITE_LEVEL) {
    throw permissionDenied(
      `Role ${caller.role} (level ${caller.level}) cannot write findings or incidents; level ${COMPLIANCE_WRITE_LEVEL} is required.`,
    );
  }
  return caller;
}

const evaluate = (deps: Deps, caller: Caller) =>
  evaluateAccountControls(
    deps,
    caller.accountId,
    caller.account.createdAt,
    DEFAULT_CONTROL_TEST_CONFIG,
  );

const groupsOf = (criteria: readonly string[]) => [...new Set(criteria.map(criterionGroupOf))];

const idParam = (name: string, value: string | undefined) =>
  parseInput(z.object({ [name]: documentId }), { [name]: value })[name];

/** `/api/compliance/**`: control status from live evidence, findings, incidents. */
export const complianceRoutes: Route[] = [
  {
    method: 'GET',
    path: '/compliance/status',
    async handle({ req, deps }) {
      const caller = await reader(deps, req);
      const evaluation = await evaluate(deps, caller);
      const { findings } = await listFindings(deps, caller.accountId, {});
      const archives = evaluation.archives.ok ? evaluation.archives.value : [];
      const lastBundleAt = archives.reduce<Date | null>(
        (latest, a) => (latest === null || a.createdAt > latest ? a.createdAt : latest),
        null,
      );
      return {
        body: {
          accountId: caller.accountId,
          ...complianceStatus({
            results: evaluation.results,
            findings,
            lastBundleAt,
            now: evaluation.now,
          }),
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/compliance/controls',
    async handle({ req, deps }) {
      const caller = await reader(deps, req);
      const { results, now } = await evaluate(deps, caller);
      return {
        body: {
          accountId: caller.accountId,
          evaluatedAt: now.toISOString(),
          controls: CONTROLS.map((control, i) => ({
            ...control,
            groups: groupsOf(control.criteria),
            result: results[i],
          })),
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/compliance/controls/:controlId/evidence',
    async handle({ req, params: path, deps }) {
      const caller = await reader(deps, req);
      const control = findControl(path.controlId);
      if (!control) {
        throw notFound(`No control ${path.controlId}; controls: ${CONTROL_IDS.join(', ')}`);
      }
      const { results, report, archives, evidence, now } = await evaluate(deps, caller);
      const { findings } = await listFindings(deps, caller.accountId, { controlId: control.id });
      return {
        body: {
          accountId: caller.accountId,
          evaluatedAt: now.toISOString(),
          control: { ...control, groups: groupsOf(control.criteria) },
          result: results.find((r) => r.controlId === control.id),
          evidence: {
            sections: Object.fromEntries(
              control.evidence.sections.map((key) => [key, report.sections[key] ?? null]),
            ),
            archives: archives.ok ? archives.value : { unavailable: archives.reason },
            auditEventsLast24h: evidence.auditEventsLast24h.ok
              ? evidence.auditEventsLast24h.value
              : null,
            bundleFiles: control.evidence.bundleFiles,
          },
          findings,
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/compliance/findings',
    async handle({ req, deps }) {
      const caller = await reader(deps, req);
      const { status, controlId } = parseInput(listFindingsQuerySchema, req.query);
      return { body: await listFindings(deps, caller.accountId, { status, controlId }) };
    },
  },
  {
    method: 'POST',
    path: '/compliance/findings',
    async handle({ req, deps }) {
      const caller = await writer(deps, req);
      const body = parseInput(createFindingBodySchema(CONTROL_IDS, isoDay(deps.now())), req.body);
      return { status: 201, body: await createFinding(deps, caller, body) };
    },
  },
  {
    method: 'PATCH',
    path: '/compliance/findings/:findingId',
    async handle({ req, params: path, deps }) {
      const caller = await writer(deps, req);
      const findingId = idParam('findingId', path.findingId);
      const update = parseInput(updateFindingBodySchema(isoDay(deps.now())), req.body);
      return { body: await updateFinding(deps, caller, findingId, update) };
    },
  },
  {
    method: 'GET',
    path: '/compliance/incidents',
    async handle({ req, deps }) {
      const caller = await reader(deps, req);
      const { phase } = parseInput(listIncidentsQuerySchema, req.query);
      return { body: await listIncidents(deps, caller.accountId, { phase }) };
    },
  },
  {
    method: 'POST',
    path: '/compliance/incidents',
    async handle({ req, deps }) {
      const caller = await writer(deps, req);
      const body = parseInput(createIncidentBodySchema(deps.now()), req.body);
      return { status: 201, body: await createIncident(deps, caller, body) };
    },
  },
  {
    method: 'PATCH',
    path: '/compliance/incidents/:incidentId',
    async handle({ req, params: path, deps }) {
      const caller = await writer(deps, req);
      const incidentId = idParam('incidentId', path.incidentId);
      const update = parseInput(updateIncidentBodySchema(deps.now()), req.body);
      return { body: await updateIncident(deps, caller, incidentId, update) };
    },
  },
];
