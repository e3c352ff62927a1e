import { z } from 'zod';
import { listAccessReviews } from '../../accessReviews/campaigns';
import { accessReviewsDue } from '../../accessReviews/entries';
import type { Deps } from '../../app/deps';
import { CONTROL_IDS, CONTROLS, findControl } from '../../compliance/controlCatalog';
import { DEFAULT_CONTROL_TEST_CONFIG } from '../../compliance/controlTests';
import { evaluateAccountControls } from '../../compliance/evaluation';
import {
  createFinding,
  createIncident,
  listFindings,
  listIncidents,
  updateFinding,
  updateIncident,
} from '../../compliance/records';
import { gatherControlEvidence } from '../../compliance/evidence';
import { controlHistory } from '../../compliance/controlHistory';
import { complianceStatus } from '../../compliance/status';
import { storedControlResults } from '../../compliance/storedResults';
import { utcDay } from '../../domain/time';
import { listArchiveIndex, archiveFactsSchema } from '../../bundle/archiveIndex';
import { notFound } from '../../domain/errors';
import { accountOnlyQuerySchema } from '../../schema/api';
import { documentId } from '../../schema/common';
import {
  controlHistoryQuerySchema,
  controlHistoryResponseSchema,
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
import { accountRoute, type Route, type RouteAccess } from '../router';

/** Reading needs `audit:read` in the account named by the query string. */
const READ: RouteAccess = { permission: 'audit:read' };
const READ_ERRORS = [404];

/** Writing needs `audit:read` and level ≥ COMPLIANCE_WRITE_LEVEL in the account named by the body. */
const WRITE: RouteAccess = {
  permission: 'audit:read',
  level: { min: COMPLIANCE_WRITE_LEVEL, to: 'write findings or incidents' },
};
const WRITE_ERRORS = [404, 409];
const WRITE_RESPONSES = { 200: { description: 'JSON.' }, 201: { description: 'Created.' } };

/** Only `accountId` is read before authorization: other query parameters are ignored. */
const accountQuery = { in: 'query', schema: accountOnlyQuerySchema.loose() } as const;

/** A write body is validated only after authorization, so outsiders learn nothing from its messages. */
const writeBody = <S extends z.ZodType<{ accountId: string }>>(schema: (now: Date) => S) =>
  ({ in: 'body', schema, afterAuthorization: true }) as const;

const readDoc = (summary: string) => ({
  summary,
  responses: { 200: { description: 'JSON.' } },
  errors: READ_ERRORS,
});
const writeDoc = (summary: string) => ({
  summary,
  responses: WRITE_RESPONSES,
  errors: WRITE_ERRORS,
});

const evaluate = (deps: Deps, caller: Caller) =>
  evaluateAccountControls(
    deps,
    caller.accountId,
    caller.account.createdAt,
    DEFAULT_CONTROL_TEST_CONFIG,
  );

/** When the oldest stored result was evaluated; now when nothing is stored yet. */
const evaluatedAtOf = (deps: Deps, stored: { evaluatedAt: Date | null }) =>
  (stored.evaluatedAt ?? deps.now()).toISOString();

const groupsOf = (criteria: readonly string[]) => [...new Set(criteria.map(criterionGroupOf))];

/**
 * `/api/compliance/**`: control status, findings, incidents. Reads never write (CONTRACT §4): they
 * show the results the evaluations stored; `POST /compliance/evaluate` evaluates on demand.
 */
export const complianceRoutes: Route[] = [
  accountRoute({
    method: 'GET',
    path: '/compliance/status',
    doc: readDoc('SOC 2 control status summary'),
    access: READ,
    input: accountQuery,
    async handle({ deps, caller }) {
      const [stored, { findings }, archives, { accessReviews }] = await Promise.all([
        storedControlResults(deps, caller.accountId),
        listFindings(deps, caller.accountId, {}),
        listArchiveIndex(deps.db, caller.accountId, archiveFactsSchema),
        listAccessReviews(deps, caller.accountId),
      ]);
      const lastBundleAt = archives.docs.reduce<Date | null>(
        (latest, { value }) =>
          latest === null || value.createdAt > latest ? value.createdAt : latest,
        null,
      );
      return {
        body: {
          accountId: caller.accountId,
          ...complianceStatus({ results: stored.results, findings, lastBundleAt, now: deps.now() }),
          evaluatedAt: evaluatedAtOf(deps, stored),
          // Open access reviews with their due dates, and how many are overdue (CONTRACT §9).
          accessReviews: accessReviewsDue(accessReviews),
        },
      };
    },
  }),
  accountRoute({
    method: 'GET',
    path: '/compliance/controls',
    doc: readDoc('Controls with their latest test results'),
    access: READ,
    input: accountQuery,
    async handle({ deps, caller }) {
      const stored = await storedControlResults(deps, caller.accountId);
      const results = stored.results;
      return {
        body: {
          accountId: caller.accountId,
          evaluatedAt: evaluatedAtOf(deps, stored),
          controls: CONTROLS.map((control, i) => ({
            ...control,
            groups: groupsOf(control.criteria),
            result: results[i],
          })),
        },
      };
    },
  }),
  accountRoute({
    method: 'GET',
    path: '/compliance/controls/history',
    doc: {
      ...readDoc("Every control's results per UTC day over the last days"),
      description:
        'One entry per day with a stored evaluation: the worst status seen that day. `counts` ' +
        'covers every day of the window; `not_evaluated` days have no stored result.',
      parameters: { days: 'Days back from today (UTC), today included: 1 to 90, default 90.' },
      responses: {
        200: {
          description: 'JSON.',
          body: { id: 'ControlHistory', schema: controlHistoryResponseSchema },
        },
      },
    },
    access: READ,
    input: { in: 'query', schema: controlHistoryQuerySchema },
    handle: async ({ deps, caller, input }) => ({
      body: {
        accountId: caller.accountId,
        ...(await controlHistory(deps, caller.accountId, input.days)),
      },
    }),
  }),
  accountRoute({
    method: 'GET',
    path: '/compliance/controls/:controlId/evidence',
    doc: readDoc('Evidence behind one control'),
    access: READ,
    input: accountQuery,
    async handle({ params: path, deps, caller }) {
      const control = findControl(path.controlId);
      if (!control) {
        throw notFound(`No control ${path.controlId}; controls: ${CONTROL_IDS.join(', ')}`);
      }
      // The evidence is gathered live (reads only); the result is the stored one.
      const [stored, { report, archives, evidence }, { findings }] = await Promise.all([
        storedControlResults(deps, caller.accountId),
        gatherControlEvidence(deps, caller.accountId, caller.account.createdAt, deps.now()),
        listFindings(deps, caller.accountId, { controlId: control.id }),
      ]);
      const results = stored.results;
      return {
        body: {
          accountId: caller.accountId,
          evaluatedAt: evaluatedAtOf(deps, stored),
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
  }),
  accountRoute({
    method: 'POST',
    path: '/compliance/evaluate',
    doc: writeDoc('Evaluate every control now and store the results'),
    access: { ...WRITE, level: { min: COMPLIANCE_WRITE_LEVEL, to: 'evaluate controls' } },
    input: writeBody(() => accountOnlyQuerySchema.strict()),
    async handle({ deps, caller }) {
      const { results, now } = await evaluate(deps, caller);
      return { body: { accountId: caller.accountId, evaluatedAt: now.toISOString(), results } };
    },
  }),
  accountRoute({
    method: 'GET',
    path: '/compliance/findings',
    doc: readDoc('Findings'),
    access: READ,
    input: { in: 'query', schema: listFindingsQuerySchema, afterAuthorization: true },
    handle: async ({ deps, caller, input: { status, controlId } }) => ({
      body: await listFindings(deps, caller.accountId, { status, controlId }),
    }),
  }),
  accountRoute({
    method: 'POST',
    path: '/compliance/findings',
    doc: writeDoc('Open a finding'),
    access: WRITE,
    input: writeBody((now) => createFindingBodySchema(CONTROL_IDS, utcDay(now))),
    handle: async ({ deps, caller, input }) => ({
      status: 201,
      body: await createFinding(deps, caller, input),
    }),
  }),
  accountRoute({
    method: 'PATCH',
    path: '/compliance/findings/:findingId',
    doc: writeDoc('Update a finding'),
    access: WRITE,
    input: writeBody((now) => updateFindingBodySchema(utcDay(now))),
    params: z.object({ findingId: documentId }),
    handle: async ({ deps, caller, params, input }) => ({
      body: await updateFinding(deps, caller, params.findingId, input),
    }),
  }),
  accountRoute({
    method: 'GET',
    path: '/compliance/incidents',
    doc: readDoc('Incidents'),
    access: READ,
    input: { in: 'query', schema: listIncidentsQuerySchema, afterAuthorization: true },
    handle: async ({ deps, caller, input: { phase } }) => ({
      body: await listIncidents(deps, caller.accountId, { phase }),
    }),
  }),
  accountRoute({
    method: 'POST',
    path: '/compliance/incidents',
    doc: writeDoc('Open an incident'),
    access: WRITE,
    input: writeBody(createIncidentBodySchema),
    handle: async ({ deps, caller, input }) => ({
      status: 201,
      body: await createIncident(deps, caller, input),
    }),
  }),
  accountRoute({
    method: 'PATCH',
    path: '/compliance/incidents/:incidentId',
    doc: writeDoc('Update an incident'),
    access: WRITE,
    input: writeBody(updateIncidentBodySchema),
    params: z.object({ incidentId: documentId }),
    handle: async ({ deps, caller, params, input }) => ({
      body: await updateIncident(deps, caller, params.incidentId, input),
    }),
  }),
];
