import { randomUUID } from 'node:crypto';
import * as logger from 'firebase-functions/logger';
import type { z } from 'zod';
import type { Deps } from '../app/deps';
import { recordAuditEvent } from '../audit/record';
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
  return recordAuditEvent(deps.db, caller.accountId, {
    timestamp: now,
    actorId: caller.uid,
    ...(caller.email ? { actorEmail: caller.email } : {}),
    action,
    resourceType,
    resourceId,
    result: 'success',
    ...(changes ? { details: { changes } } : {}),
  });
}

/** Documents of a collection that parse, plus those that do not (listed by id, never dropped). */
export async function listParsed<S extends z.ZodType>(
  deps: Pick<Deps, 'db'>,
  path: string,
  schema: S,
  filter: { field: string; value: string }[],
) {
  let query: FirebaseFirestore.Query = deps.db.collection(path);
  for (const { field, value } of filter) query = query.where(field, '==', value);
  const { docs, malformed } = parseSnapshot(schema, (await query.get()).docs, {
    purpose: 'compliance records',
  });
  return { docs, malformed: listedById(malformed) };
}

const defined = (filter: Record<string, string | undefined>) =>
  Object.entries(filter)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([field, value]) => ({ field, value }));

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
    subcollectionPath(accountId, 'findings'),
    findingDocSchema,
    defined(filter),
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

/**
 * Reads a finding or incident inside an update transaction: 404 when absent, and 400 (logged)
 * when the stored record fails its schema, since an update cannot be applied to it safely.
 */
async function readForUpdate<S extends z.ZodType>(
  tx: FirebaseFirestore.Transaction,
  ref: FirebaseFirestore.DocumentReference,
  schema: S,
  what: 'Finding' | 'Incident',
  accountId: string,
): Promise<z.output<S>> {
  const snap = await tx.get(ref);
  if (!snap.exists) throw notFound(`No ${what.toLowerCase()} ${ref.id} in account ${accountId}.`);
  const current = parseDocument(schema, ref.path, snap.data());
  if (!current.ok) {
    logger.error(`malformed ${what.toLowerCase()} cannot be updated`, {
      path: ref.path,
      problem: current.error.message,
    });
    throw invalidArgument(`${what} ${ref.id} is stored in an invalid shape and cannot be updated.`);
  }
  return current.value;
}

export async function updateFinding(
  deps: Deps,
  caller: Caller,
  findingId: string,
  update: UpdateFindingBody,
) {
  const now = deps.now();
  const ref = findingRef(deps, caller.accountId, findingId);
  const outcome = await deps.db.runTransaction(async (tx) => {
    const finding = await readForUpdate(tx, ref, findingDocSchema, 'Finding', caller.accountId);
    const failing = await controlFailing(tx, deps, caller.accountId, finding.controlId);
    const applied = applyFindingUpdate(finding, update, caller.uid, now, failing);
    if (applied) tx.set(ref, applied.finding);
    return { finding: applied?.finding ?? finding, entry: applied?.entry ?? null };
  });
  if (outcome.entry) {
    await audit(deps, caller, 'finding.update', 'finding', findingId, now, outcome.entry.changes);
  }
  return findingView(findingId, outcome.finding);
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
    subcollectionPath(accountId, 'incidents'),
    incidentDocSchema,
    defined(filter),
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
  const now = deps.now();
  const ref = incidentRef(deps, caller.accountId, incidentId);
  const outcome = await deps.db.runTransaction(async (tx) => {
    const incident = await readForUpdate(tx, ref, incidentDocSchema, 'Incident', caller.accountId);
    const changes: HistoryEntry['changes'] = INCIDENT_FIELDS.filter(
      (f) => update[f] !== undefined && JSON.stringify(update[f]) !== JSON.stringify(incident[f]),
    ).map((field) => ({ field, oldValue: incident[field], newValue: update[field] }));
    const added = timelineEntries(update.timeline ?? [], incident.detectedAt);
    if (added.length > 0) {
      changes.push({ field: 'timeline', oldValue: null, newValue: update.timeline });
    }
    if (changes.length === 0) return { incident, changes };
    const next: IncidentDoc = {
      ...incident,
      ...Object.fromEntries(
        changes.filter((c) => c.field !== 'timeline').map((c) => [c.field, c.newValue]),
      ),
      timeline: [...incident.timeline, ...added],
      updatedAt: now,
      history: [...incident.history, { at: iso(now), by: caller.uid, changes }],
    };
    tx.set(ref, next);
    return { incident: next, changes };
  });
  if (outcome.changes.length > 0) {
    await audit(deps, caller, 'incident.update', 'incident', incidentId, now, outcome.changes);
  }
  return incidentView(incidentId, outcome.incident, now);
}
