import { randomUUID } from 'node:crypto';
import * as logger from 'firebase-functions/logger';
import type { z } from 'zod';
import type { Deps } from '../app/deps';
import { recordCallerAction } from '../audit/record';
import { CATALOGS } from '../catalogs';
import { invalidArgument, notFound } from '../domain/errors';
import type { Caller } from '../domain/caller';
import { listedById, parseDocument, parseSnapshot } from '../schema/common';
import {
  controlStateDocSchema,
  findingDocSchema,
  incidentDocSchema,
  type CreateFindingBody,
  type CreateIncidentBody,
  type FindingDoc,
  type HistoryEntry,
  type IncidentDoc,
  type UpdateFindingBody,
  type UpdateIncidentBody,
} from '../schema/compliance';
import { accountDocPath, subcollectionPath } from '../schema/paths';
import { controlStateRef, findingRef } from './evaluation';
import { applyFindingUpdate } from './findings';
import { assessResponseSla } from './incidents';

/**
 * Findings and incidents as people write them through the API. Every write is one transaction
 * (a concurrent PATCH cannot lose the other's history entry) followed by its audit event.
 */

const iso = (date: Date) => date.toISOString();

/** The stored fields of a request body: the account is the document's path, not a field. */
function withoutAccount<T extends { accountId: string }>(body: T): Omit<T, 'accountId'> {
  const fields: Partial<T> = { ...body };
  delete fields.accountId;
  return fields as Omit<T, 'accountId'>;
}

export function findingView(id: string, doc: FindingDoc) {
  return { id, ...doc, createdAt: iso(doc.createdAt), updatedAt: iso(doc.updatedAt) };
}

export function incidentView(id: string, doc: IncidentDoc, now: Date) {
  return {
    id,
    ...doc,
    detectedAt: iso(doc.detectedAt),
    createdAt: iso(doc.createdAt),
    updatedAt: iso(doc.updatedAt),
    timeline: doc.timeline.map((e) => ({ ...e, at: iso(e.at) })),
    responseSla: assessResponseSla(doc, CATALOGS.incidentResponse.severities, now),
  };
}

function audit(
  deps: Deps,
  caller: Caller,
  action: string,
  resourceType: 'finding' | 'incident',
  resourceId: string,
  now: Date,
  changes?: HistoryEntry['changes'],
) {
  return recordCallerAction(deps.db, caller, {
    timestamp: now,
    action,
    resourceType,
    resourceId,
    details: changes && { changes },
  });
}

/**
 * Findings or incidents of an account, narrowed by equality on the filter's defined fields, that
 * parse, plus those that do not (listed by id, never dropped).
 */
export async function listParsed<S extends z.ZodType>(
  deps: Pick<Deps, 'db'>,
  accountId: string,
  collection: 'findings' | 'incidents',
  schema: S,
  filter: Record<string, string | undefined> = {},
) {
  let query: FirebaseFirestore.Query = deps.db.collection(subcollectionPath(accountId, collection));
  for (const [field, value] of Object.entries(filter)) {
    if (value !== undefined) query = query.where(field, '==', value);
  }
  const { docs, malformed } = parseSnapshot(schema, (await query.get()).docs, {
    purpose: 'compliance records',
  });
  return { docs, malformed: listedById(malformed) };
}

// ---------------------------------------------------------------------------------------------
// Findings

export async function createFinding(deps: Deps, caller: Caller, body: CreateFindingBody) {
  const now = deps.now();
  const fields = withoutAccount(body);
  const doc: FindingDoc = {
    ...fields,
    source: 'manual',
    createdAt: now,
    createdBy: caller.uid,
    updatedAt: now,
    openedBy: null,
    closedBy: null,
    history: [
      {
        at: iso(now),
        by: caller.uid,
        changes: [{ field: 'status', oldValue: null, newValue: fields.status }],
      },
    ],
  };
  const id = randomUUID();
  await findingRef(deps, caller.accountId, id).create(doc);
  await audit(deps, caller, 'finding.create', 'finding', id, now);
  return findingView(id, doc);
}

export async function listFindings(
  deps: Deps,
  accountId: string,
  filter: { status?: string; controlId?: string },
) {
  const { docs, malformed } = await listParsed(
    deps,
    accountId,
    'findings',
    findingDocSchema,
    filter,
  );
  const findings = docs
    .map((d) => findingView(d.id, d.value))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { findings, malformed };
}

/** Whether the control currently fails, from its latest stored result. */
async function controlFailing(
  tx: FirebaseFirestore.Transaction,
  deps: Deps,
  accountId: string,
  controlId: string,
) {
  const ref = controlStateRef(deps, accountId, controlId);
  const snap = await tx.get(ref);
  if (!snap.exists) return false;
  const state = parseDocument(controlStateDocSchema, ref.path, snap.data());
  return state.ok && state.value.latest.status === 'fail';
}

type Changes = HistoryEntry['changes'];

/**
 * One update of a finding or incident. The record is read and changed in one transaction (a
 * concurrent PATCH cannot lose the other's history entry): 404 when absent, 400 (logged) when the
 * stored record fails its schema, since an update cannot be applied to it safely. `change`
 * returns the new record and its changes, or no changes when nothing changed (nothing written,
 * no audit event).
 */
async function updateRecord<S extends z.ZodType<FirebaseFirestore.DocumentData>>(
  deps: Deps,
  caller: Caller,
  record: { ref: FirebaseFirestore.DocumentReference; schema: S; kind: 'finding' | 'incident' },
  change: (
    tx: FirebaseFirestore.Transaction,
    current: z.output<S>,
    now: Date,
  ) => Promise<{ next: z.output<S>; changes?: Changes }>,
): Promise<{ next: z.output<S>; now: Date }> {
  const { ref, schema, kind } = record;
  const now = deps.now();
  const outcome = await deps.db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) throw notFound(`No ${kind} ${ref.id} in account ${caller.accountId}.`);
    const current = parseDocument(schema, ref.path, snap.data());
    if (!current.ok) {
      logger.error(`malformed ${kind} cannot be updated`, {
        path: ref.path,
        problem: current.error.message,
      });
      const what = kind === 'finding' ? 'Finding' : 'Incident';
      throw invalidArgument(
        `${what} ${ref.id} is stored in an invalid shape and cannot be updated.`,
      );
    }
    const updated = await change(tx, current.value, now);
    if (updated.changes) tx.set(ref, updated.next);
    return updated;
  });
  if (outcome.changes) {
    await audit(deps, caller, `${kind}.update`, kind, ref.id, now, outcome.changes);
  }
  return { next: outcome.next, now };
}

export async function updateFinding(
  deps: Deps,
  caller: Caller,
  findingId: string,
  update: UpdateFindingBody,
) {
  const ref = findingRef(deps, caller.accountId, findingId);
  const { next } = await updateRecord(
    deps,
    caller,
    { ref, schema: findingDocSchema, kind: 'finding' },
    async (tx, finding, now) => {
      const failing = await controlFailing(tx, deps, caller.accountId, finding.controlId);
      const applied = applyFindingUpdate(finding, update, caller.uid, now, failing);
      return { next: applied?.finding ?? finding, changes: applied?.entry.changes };
    },
  );
  return findingView(findingId, next);
}

// ---------------------------------------------------------------------------------------------
// Incidents

const incidentRef = (deps: Deps, accountId: string, incidentId: string) =>
  deps.db.doc(accountDocPath(accountId, 'incidents', incidentId));

type TimelineInput = NonNullable<UpdateIncidentBody['timeline']>;

/** Timeline entries as stored; none may predate detection (a response before detection is a typo). */
function timelineEntries(entries: TimelineInput, detectedAt: Date) {
  return entries.map((entry, index) => {
    const at = new Date(entry.at);
    if (at < detectedAt) {
      throw invalidArgument(`timeline.${index}.at: must not be before detectedAt`, {
        issues: [{ field: `timeline.${index}.at`, message: 'must not be before detectedAt' }],
      });
    }
    return { ...entry, at };
  });
}

export async function createIncident(deps: Deps, caller: Caller, body: CreateIncidentBody) {
  const now = deps.now();
  const { detectedAt: detectedIso, timeline, ...fields } = withoutAccount(body);
  const detectedAt = new Date(detectedIso);
  const doc: IncidentDoc = {
    ...fields,
    detectedAt,
    timeline: timelineEntries(timeline, detectedAt),
    createdAt: now,
    createdBy: caller.uid,
    updatedAt: now,
    history: [],
  };
  const id = randomUUID();
  await incidentRef(deps, caller.accountId, id).create(doc);
  await audit(deps, caller, 'incident.create', 'incident', id, now);
  return incidentView(id, doc, now);
}

export async function listIncidents(deps: Deps, accountId: string, filter: { phase?: string }) {
  const now = deps.now();
  const { docs, malformed } = await listParsed(
    deps,
    accountId,
    'incidents',
    incidentDocSchema,
    filter,
  );
  const incidents = docs
    .map((d) => incidentView(d.id, d.value, now))
    .sort((a, b) => b.detectedAt.localeCompare(a.detectedAt));
  return {
    incidents,
    slaBreaches: incidents.filter((i) => i.responseSla.breached).length,
    malformed,
  };
}

const INCIDENT_FIELDS = ['title', 'severity', 'description', 'affectedSystems', 'phase'] as const;

export async function updateIncident(
  deps: Deps,
  caller: Caller,
  incidentId: string,
  update: UpdateIncidentBody,
) {
  const ref = incidentRef(deps, caller.accountId, incidentId);
  const { next, now } = await updateRecord(
    deps,
    caller,
    { ref, schema: incidentDocSchema, kind: 'incident' },
    async (_tx, incident, now) => {
      const changes: Changes = INCIDENT_FIELDS.filter(
        (f) => update[f] !== undefined && JSON.stringify(update[f]) !== JSON.stringify(incident[f]),
      ).map((field) => ({ field, oldValue: incident[field], newValue: update[field] }));
      const added = timelineEntries(update.timeline ?? [], incident.detectedAt);
      if (added.length > 0) {
        changes.push({ field: 'timeline', oldValue: null, newValue: update.timeline });
      }
      if (changes.length === 0) return { next: incident };
      const next: IncidentDoc = {
        ...incident,
        ...Object.fromEntries(
          changes.filter((c) => c.field !== 'timeline').map((c) => [c.field, c.newValue]),
        ),
        timeline: [...incident.timeline, ...added],
        updatedAt: now,
        history: [...incident.history, { at: iso(now), by: caller.uid, changes }],
      };
      return { next, changes };
    },
  );
  return incidentView(incidentId, next, now);
}
