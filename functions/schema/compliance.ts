import { z } from 'zod';
import { accountIdParam, dateTimeInput, isoDateTime, optionalIntegerParam, single } from './api';
import { documentId, timestamp, utcDayString } from './common';
import { INCIDENT_PHASES, SEVERITIES } from './catalogs';
import { EVIDENCE_KINDS } from './evidenceItems';
import { SECTION_SLUGS, type SectionKey } from './report';

/**
 * Shapes of the compliance layer (issue 7): the control catalog, automated control test results,
 * findings and incidents — as stored under `accounts/{a}/{controlResults,findings,incidents}` and
 * as they travel over `/api/compliance/**`.
 */

// ---------------------------------------------------------------------------------------------
// Control catalog

/** SOC 2 (2017 Trust Services Criteria) identifiers, e.g. CC6.1, A1.2, C1.2, PI1.1, P4.2. */
export const criterionId = z.string().regex(/^(CC|A|C|PI|P)\d\.\d{1,2}$/, 'a TSC id like CC6.1');

export const CRITERION_GROUPS = [
  'security',
  'availability',
  'confidentiality',
  'processing_integrity',
  'privacy',
] as const;
export type CriterionGroup = (typeof CRITERION_GROUPS)[number];

/** The TSC prefix decides the category: CC = common criteria (security), A, C, PI, P. */
export function criterionGroupOf(criterion: string): CriterionGroup {
  const prefix = /^[A-Z]+/.exec(criterion)?.[0];
  switch (prefix) {
    case 'CC':
      return 'security';
    case 'A':
      return 'availability';
    case 'C':
      return 'confidentiality';
    case 'PI':
      return 'processing_integrity';
    case 'P':
      return 'privacy';
    default:
      throw new Error(`not a Trust Services Criterion: ${criterion}`);
  }
}

export const FINDING_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

const sectionKey = z.enum(Object.values(SECTION_SLUGS) as [SectionKey, ...SectionKey[]]);

export const controlSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(5),
  /** What the control is, in words an auditor can test against. */
  description: z.string().min(20),
  criteria: z.array(criterionId).min(1),
  /** Severity of the finding opened automatically when the test fails. */
  findingSeverity: z.enum(FINDING_SEVERITIES),
  /** The automated test: what is measured and what passing means. */
  test: z.object({ description: z.string().min(20), threshold: z.string().min(3) }),
  evidence: z.object({
    /** Report sections (keys of `sections`) the test reads. */
    sections: z.array(sectionKey),
    /** Files of the quarterly bundle that carry the same evidence. */
    bundleFiles: z.array(z.string().regex(/^[a-z0-9-]+\.[a-z]+$/)).min(1),
  }),
  /**
   * Controls that rest on an evidence item (CONTRACT §10): the kind of item needed and how old
   * its effective date may be before it no longer counts (e.g. training yearly, scans quarterly).
   */
  evidenceItem: z
    .object({ kind: z.enum(EVIDENCE_KINDS), maxAgeDays: z.number().int().positive() })
    .optional(),
});
export type Control = z.output<typeof controlSchema>;

// ---------------------------------------------------------------------------------------------
// Control test results

export const CONTROL_TEST_STATUSES = ['pass', 'fail', 'not_applicable', 'inconclusive'] as const;
export type ControlTestStatus = (typeof CONTROL_TEST_STATUSES)[number];

/** Where the evidence for a result lives: a report section (JSON pointer inside it) or the archive index. */
export const evidencePointerSchema = z.object({
  source: z.enum(['report', 'evidenceArchives', 'auditLogs', 'evidenceItems', 'accessReviews']),
  /** Report section key when source is `report`. */
  section: sectionKey.optional(),
  /** RFC 6901 pointer into the section's data (or a collection path for Firestore sources). */
  pointer: z.string(),
});
export type EvidencePointer = z.output<typeof evidencePointerSchema>;

export const controlTestResultSchema = z.object({
  controlId: z.string(),
  status: z.enum(CONTROL_TEST_STATUSES),
  /** What was measured, in the unit the threshold speaks (a count, days, a boolean). */
  measured: z.union([z.number(), z.boolean(), z.string(), z.null()]),
  threshold: z.string(),
  /** One sentence: why this status. */
  detail: z.string(),
  /** Identifiers of what failed (uids, key ids, vendor ids, runbook steps), at most 50. */
  offenders: z.array(z.string()),
  evidence: z.array(evidencePointerSchema),
  evaluatedAt: z.iso.datetime(),
});
export type ControlTestResult = z.output<typeof controlTestResultSchema>;

/** `controlResults/{controlId}`: the latest result and the automatic-finding cycle of a control. */
export const controlStateDocSchema = z.object({
  controlId: z.string(),
  latest: controlTestResultSchema,
  /** How many automatic findings this control has ever opened; the next one is `cycle + 1`. */
  cycle: z.number().int().nonnegative(),
  /** The automatic finding of the current failing spell, if one is open. */
  openAutoFindingId: z.string().nullable(),
  updatedAt: timestamp,
});
export type ControlStateDoc = z.output<typeof controlStateDocSchema>;

/** `controlEvaluation/state`: the coalescing of evaluations that evidence writes request. */
export const controlEvaluationStateSchema = z.object({
  /** The latest evidence write that asked for an evaluation. */
  requestedAt: timestamp,
  /** When the running evaluation took the lease; null when none runs. */
  runningSince: timestamp.nullable(),
});
export type ControlEvaluationState = z.output<typeof controlEvaluationStateSchema>;

/** `controlResults/{controlId}/days/{YYYY-MM-DD}`: one per control and UTC day, for period exports. */
export const controlDayDocSchema = z.object({
  controlId: z.string(),
  day: utcDayString,
  first: controlTestResultSchema,
  last: controlTestResultSchema,
  /** Every status seen that day, so a brief failure between two passes is not lost. */
  statusesSeen: z.array(z.enum(CONTROL_TEST_STATUSES)),
  evaluations: z.number().int().positive(),
});
export type ControlDayDoc = z.output<typeof controlDayDocSchema>;

/** Days of daily results `GET /api/compliance/controls/history` serves at most (and by default). */
export const MAX_HISTORY_DAYS = 90;

export const controlHistoryQuerySchema = z.object({
  accountId: accountIdParam,
  days: optionalIntegerParam('days', 1, MAX_HISTORY_DAYS).default(MAX_HISTORY_DAYS),
});

/** One control's results per UTC day of the window; days without an evaluation are absent. */
export const controlHistorySchema = z.object({
  controlId: z.string(),
  days: z.array(
    z.object({
      day: utcDayString,
      /** The worst status seen that day (fail, inconclusive, not_applicable, pass). */
      status: z.enum(CONTROL_TEST_STATUSES),
    }),
  ),
  /** Days of the window per day status, plus `not_evaluated` (no stored result that day). */
  counts: z.record(z.enum([...CONTROL_TEST_STATUSES, 'not_evaluated']), z.number().int()),
});
export type ControlHistory = z.output<typeof controlHistorySchema>;

export const controlHistoryResponseSchema = z.object({
  accountId: z.string(),
  /** First and last UTC day of the window, both included. */
  from: utcDayString,
  to: utcDayString,
  days: z.number().int(),
  controls: z.array(controlHistorySchema),
  /** Stored days that failed their schema (logged), left out of `days` and counts. */
  malformedDays: z.number().int(),
});
export type ControlHistoryResponse = z.output<typeof controlHistoryResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Findings

export const FINDING_STATUSES = ['open', 'in_progress', 'remediated', 'risk_accepted'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
/** Statuses that still count as an open finding in the status endpoint. */
export const UNRESOLVED_FINDING_STATUSES: readonly FindingStatus[] = ['open', 'in_progress'];

export const TEXT_LIMITS = { title: 200, text: 5000, name: 200, listItems: 50 } as const;

export const historyEntrySchema = z.object({
  at: z.iso.datetime(),
  by: z.string(),
  changes: z.array(z.object({ field: z.string(), oldValue: z.unknown(), newValue: z.unknown() })),
});
export type HistoryEntry = z.output<typeof historyEntrySchema>;

export const findingDocSchema = z.object({
  controlId: z.string(),
  title: z.string(),
  severity: z.enum(FINDING_SEVERITIES),
  description: z.string(),
  remediationPlan: z.string(),
  dueDate: utcDayString,
  status: z.enum(FINDING_STATUSES),
  /** `automatic` findings are opened and closed by control evaluation. */
  source: z.enum(['manual', 'automatic']),
  createdAt: timestamp,
  createdBy: z.string(),
  updatedAt: timestamp,
  /** The failing result that opened an automatic finding. */
  openedBy: controlTestResultSchema.nullable(),
  /** The passing result that closed it. */
  closedBy: controlTestResultSchema.nullable(),
  history: z.array(historyEntrySchema),
});
export type FindingDoc = z.output<typeof findingDocSchema>;

export const text = (max: number, name: string) =>
  z
    .string({ error: `${name} must be a string` })
    .trim()
    .min(1, `${name} must not be empty`)
    .max(max, `${name} must be at most ${max} characters`);

/** A PATCH body: the account plus any non-empty subset of the editable fields. */
function patchBody<F extends z.ZodRawShape>(editable: F) {
  return z
    .object(editable)
    .partial()
    .extend({ accountId: accountIdParam })
    .strict()
    .refine((b) => Object.keys(b).length > 1, 'give at least one field to change');
}

/** Fields of a finding a caller may edit; built per request because "past" moves. */
function findingFields(today: string) {
  return {
    title: text(TEXT_LIMITS.title, 'title'),
    severity: z.enum(FINDING_SEVERITIES, {
      error: () => `severity must be one of ${FINDING_SEVERITIES.join(', ')}`,
    }),
    description: text(TEXT_LIMITS.text, 'description'),
    remediationPlan: text(TEXT_LIMITS.text, 'remediationPlan'),
    dueDate: utcDayString.refine(
      (d) => d >= today,
      `dueDate must not be in the past (today is ${today})`,
    ),
    status: z.enum(FINDING_STATUSES, {
      error: () => `status must be one of ${FINDING_STATUSES.join(', ')}`,
    }),
  };
}

export function createFindingBodySchema(controlIds: readonly string[], today: string) {
  const f = findingFields(today);
  return z
    .object({
      accountId: accountIdParam,
      controlId: z.enum(controlIds as [string, ...string[]], {
        error: () => `unknown controlId; valid controls: ${controlIds.join(', ')}`,
      }),
      ...f,
      status: f.status.default('open'),
    })
    .strict();
}
export type CreateFindingBody = z.output<ReturnType<typeof createFindingBodySchema>>;

/** controlId is fixed at creation: a finding never moves to another control. */
export const updateFindingBodySchema = (today: string) => patchBody(findingFields(today));
export type UpdateFindingBody = z.output<ReturnType<typeof updateFindingBodySchema>>;

export const listFindingsQuerySchema = z.object({
  accountId: accountIdParam,
  status: z.enum(FINDING_STATUSES).optional(),
  controlId: documentId.optional(),
});

// ---------------------------------------------------------------------------------------------
// Incidents

/** Runbook phases, then `closed` once the post-mortem is done. */
export const INCIDENT_STATES = [...INCIDENT_PHASES, 'closed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** `response` entries are what the SLA measures: the first one is the first response. */
export const TIMELINE_KINDS = ['response', 'update', 'note'] as const;

export const timelineEntrySchema = z.object({
  at: dateTimeInput('at'),
  by: text(TEXT_LIMITS.name, 'by'),
  kind: z.enum(TIMELINE_KINDS, {
    error: () => `kind must be one of ${TIMELINE_KINDS.join(', ')}`,
  }),
  description: text(TEXT_LIMITS.text, 'description'),
});
export type TimelineEntry = z.output<typeof timelineEntrySchema>;

export const incidentDocSchema = z.object({
  title: z.string(),
  severity: z.enum(SEVERITIES),
  description: z.string(),
  affectedSystems: z.array(z.string()),
  detectedAt: timestamp,
  detectedBy: z.string(),
  phase: z.enum(INCIDENT_STATES),
  timeline: z.array(
    timelineEntrySchema.extend({ at: timestamp, by: z.string(), description: z.string() }),
  ),
  createdAt: timestamp,
  createdBy: z.string(),
  updatedAt: timestamp,
  history: z.array(historyEntrySchema),
});
export type IncidentDoc = z.output<typeof incidentDocSchema>;

function incidentFields(now: Date) {
  const notFuture = (name: string) =>
    dateTimeInput(name)
      // A malformed date-time already has its own issue; only a well-formed one can be future.
      .refine((s) => !(Date.parse(s) > now.getTime()), `${name} must not be in the future`);
  return {
    title: text(TEXT_LIMITS.title, 'title'),
    severity: z.enum(SEVERITIES, {
      error: () => `severity must be one of ${SEVERITIES.join(', ')}`,
    }),
    description: text(TEXT_LIMITS.text, 'description'),
    affectedSystems: z
      .array(text(TEXT_LIMITS.name, 'affectedSystems item'))
      .max(TEXT_LIMITS.listItems, `affectedSystems has at most ${TEXT_LIMITS.listItems} items`),
    detectedAt: notFuture('detectedAt'),
    detectedBy: text(TEXT_LIMITS.name, 'detectedBy'),
    phase: z.enum(INCIDENT_STATES, {
      error: () => `phase must be one of ${INCIDENT_STATES.join(', ')}`,
    }),
    timeline: z
      .array(timelineEntrySchema.extend({ at: notFuture('at') }))
      .max(
        TEXT_LIMITS.listItems,
        `timeline takes at most ${TEXT_LIMITS.listItems} entries at once`,
      ),
  };
}

export function createIncidentBodySchema(now: Date) {
  const f = incidentFields(now);
  return z
    .object({
      accountId: accountIdParam,
      ...f,
      affectedSystems: f.affectedSystems.default([]),
      phase: f.phase.default('detection_triage'),
      timeline: f.timeline.default([]),
    })
    .strict();
}
export type CreateIncidentBody = z.output<ReturnType<typeof createIncidentBodySchema>>;

/** `timeline` entries are appended, never replaced: an incident's record only grows. */
export const updateIncidentBodySchema = (now: Date) => patchBody(incidentFields(now));
export type UpdateIncidentBody = z.output<ReturnType<typeof updateIncidentBodySchema>>;

export const listIncidentsQuerySchema = z.object({
  accountId: accountIdParam,
  phase: z.enum(INCIDENT_STATES).optional(),
});

// ---------------------------------------------------------------------------------------------
// Evidence export (CONTRACT §8)

/** pdf joins these once the PDF renderer is in (CONTRACT §8 lists it). */
export const EVIDENCE_EXPORT_FORMATS = ['json', 'csv', 'pdf', 'oscal'] as const;

/**
 * `GET /api/compliance/evidence/export`: `criteria` is a comma-separated list of the criteria the
 * control catalog maps (`validCriteria`); an unknown one is refused naming the valid ones.
 */
export function evidenceExportQuerySchema(validCriteria: readonly string[]) {
  const valid = new Set(validCriteria);
  return z.object({
    accountId: accountIdParam,
    criteria: single('criteria').transform((list, ctx) => {
      const criteria = [...new Set(list.split(',').map((c) => c.trim()))].filter(Boolean);
      const unknown = criteria.filter((c) => !valid.has(c));
      if (criteria.length === 0 || unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${unknown.length > 0 ? `unknown criteria ${unknown.join(', ')}` : 'no criteria given'}; valid criteria: ${validCriteria.join(', ')}`,
        });
        return z.NEVER;
      }
      return criteria;
    }),
    periodStart: isoDateTime('periodStart'),
    periodEnd: isoDateTime('periodEnd'),
    format: single('format')
      .pipe(
        z.enum(EVIDENCE_EXPORT_FORMATS, {
          error: () => `format must be one of ${EVIDENCE_EXPORT_FORMATS.join(', ')}`,
        }),
      )
      .default('json'),
  });
}
export type EvidenceExportQuery = z.output<ReturnType<typeof evidenceExportQuerySchema>>;
