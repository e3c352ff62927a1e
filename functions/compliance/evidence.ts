import { Timestamp } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import { addHours } from '../domain/time';
import { buildReport } from '../report/buildReport';
import { archiveFactsSchema, listArchiveIndex } from '../bundle/archiveIndex';
import type { EvidencePointer } from '../schema/compliance';
import type { EvidenceReport, EvidenceSection } from '../schema/evidence';
import { subcollectionPath } from '../schema/paths';
import { SECTION_SLUGS, type SectionKey, type SectionSlug } from '../schema/report';
import { listAccessReviews } from '../accessReviews/campaigns';
import { outstandingEntries } from '../accessReviews/followUp';
import { CONTROLS } from './controlCatalog';
import { listEvidenceItems } from './evidenceItems';
import { SYSTEM_ACTOR } from './findings';
import {
  ACTIVITY_WINDOW_HOURS,
  type AccessReviewFacts,
  type ArchiveFacts,
  type ControlEvidence,
  type EvidenceItemFacts,
  type Slice,
} from './controlTests';

/**
 * Assembles what the control tests see: the evidence report's sections (the same data an auditor
 * downloads), the archive index, and a count of the last day's audit events.
 */

/** Every report section some control rests on, as `?section=` slugs for buildReport. */
export const CONTROL_SECTION_SLUGS: SectionSlug[] = (
  Object.entries(SECTION_SLUGS) as [SectionSlug, SectionKey][]
)
  .filter(([, key]) => CONTROLS.some((c) => c.evidence.sections.includes(key)))
  .map(([slug]) => slug);

const reportPointer = (section: SectionKey, pointer: string): EvidencePointer => ({
  source: 'report',
  section,
  pointer,
});

/**
 * A slice from one report section. A section degraded only by malformed documents still carries
 * the valid ones (they are checked; the malformed ones make passing results inconclusive); any
 * other degradation means the data is a safe empty placeholder, which proves nothing.
 */
function fromSection<K extends SectionKey, T>(
  report: EvidenceReport,
  key: K,
  pointer: string,
  pick: (data: EvidenceSection<K>['data']) => { value: T; malformed?: number },
): Slice<T> {
  const evidence = reportPointer(key, pointer);
  const section = report.sections[key] as EvidenceSection<K> | undefined;
  if (!section) return { ok: false, reason: `report section ${key} missing`, evidence };
  if (section.status !== 'ok' && section.error?.code !== 'malformed_documents') {
    return {
      ok: false,
      reason: `report section ${key} degraded (${section.error?.code ?? 'unknown'}: ${section.error?.message ?? ''})`,
      evidence,
    };
  }
  const { value, malformed = 0 } = pick(section.data);
  return { ok: true, value, malformed, evidence };
}

const malformedIn = (list: readonly { path: string }[], collection: string) =>
  list.filter((m) => m.path.includes(`/${collection}/`)).length;

/** Pure: the report's part of the evidence. */
export function evidenceFromReport(
  report: EvidenceReport,
  extras: Pick<
    ControlEvidence,
    'accountCreatedAt' | 'auditEventsLast24h' | 'archives' | 'evidenceItems' | 'accessReviews'
  >,
): ControlEvidence {
  const date = (iso: string | null) => (iso === null ? null : new Date(iso));
  return {
    ...extras,
    members: fromSection(report, 'accessReview', '/members', (d) => ({
      value: d.members.map((m) => ({
        uid: m.uid,
        role: m.role,
        level: m.level,
        memberDisabled: m.membershipDisabled,
        mfaEnrolled: m.identity?.mfaEnrolled ?? null,
        authDisabled: m.identity?.disabled ?? null,
        lastActiveAt: date(m.lastActiveAt),
      })),
      malformed: malformedIn(d.malformedDocuments, 'members'),
    })),
    apiKeys: fromSection(report, 'accessReview', '/apiKeys/keys', (d) => ({
      value: d.apiKeys.keys.map((k) => ({
        id: k.id,
        status: k.status,
        createdAt: new Date(k.createdAt),
        lastUsedAt: date(k.lastUsedAt),
      })),
      malformed: malformedIn(d.malformedDocuments, 'apiKeys'),
    })),
    vendors: fromSection(report, 'vendorRegister', '/vendors', (d) => ({
      value: d.vendors.map((v) => ({ id: v.id, nextReviewDate: v.nextReviewDate })),
    })),
    encryptionInTransit: fromSection(report, 'encryptionInventory', '/controls', (d) => ({
      value: d.controls.map((c) => ({ id: c.id, appliesTo: c.appliesTo })),
    })),
    auditLogRetentionDays: fromSection(report, 'retentionPolicy', '/auditLogDays', (d) => ({
      value: d.auditLogDays,
    })),
    runbookSteps: fromSection(report, 'incidentResponse', '/procedures', (d) => ({
      value: d.procedures.flatMap((p) =>
        p.steps.map((s) => ({
          procedureId: p.id,
          order: s.order,
          responsibleRole: s.responsibleRole,
          slaMinutes: s.slaMinutes,
        })),
      ),
    })),
  };
}

export interface ArchiveEntry extends ArchiveFacts {
  createdAt: Date;
}

/** Complete bundles of the account, newest period first; malformed index documents are counted. */
export async function readArchives(deps: Deps, accountId: string): Promise<Slice<ArchiveEntry[]>> {
  const path = subcollectionPath(accountId, 'evidenceArchives');
  const evidence: EvidencePointer = { source: 'evidenceArchives', pointer: path };
  try {
    const { docs, malformed } = await listArchiveIndex(deps.db, accountId, archiveFactsSchema);
    const archives = docs.map(({ id, value }) => ({ id, ...value }));
    return { ok: true, value: archives, malformed: malformed.length, evidence };
  } catch (error) {
    logger.error('evidence archive index unreadable', { accountId, error: String(error) });
    return { ok: false, reason: 'evidence archive index unreadable', evidence };
  }
}

/** Evidence items whose content is stored; malformed item documents are counted. */
export async function readEvidenceItems(
  deps: Deps,
  accountId: string,
): Promise<Slice<EvidenceItemFacts[]>> {
  const path = subcollectionPath(accountId, 'evidenceItems');
  const evidence: EvidencePointer = { source: 'evidenceItems', pointer: path };
  try {
    const { docs, malformed } = await listEvidenceItems(deps, accountId, { state: 'stored' });
    const items = docs.map(({ id, value }) => ({
      id,
      title: value.title,
      kind: value.kind,
      criteria: value.criteria,
      effectiveAt: value.effectiveAt,
      expiresAt: value.expiresAt,
    }));
    return { ok: true, value: items, malformed: malformed.length, evidence };
  } catch (error) {
    logger.error('evidence items unreadable', { accountId, error: String(error) });
    return { ok: false, reason: 'evidence items unreadable', evidence };
  }
}

/**
 * The account's access reviews with their outstanding follow-ups. Only signed-off reviews that
 * still count outstanding decisions are opened, so this reads a handful of documents.
 */
export async function readAccessReviews(
  deps: Pick<Deps, 'db' | 'now'>,
  accountId: string,
): Promise<Slice<AccessReviewFacts[]>> {
  const path = subcollectionPath(accountId, 'accessReviews');
  const evidence: EvidencePointer = { source: 'accessReviews', pointer: path };
  try {
    const { accessReviews, malformed } = await listAccessReviews(deps, accountId);
    const facts = await Promise.all(
      accessReviews.map(async (r) => ({
        id: r.id,
        title: r.title,
        signedOffAt: r.signOff ? new Date(r.signOff.signedOffAt) : null,
        outstanding:
          r.signOff && r.followUp.outstanding > 0
            ? await outstandingEntries(deps.db, accountId, r.id)
            : [],
      })),
    );
    return { ok: true, value: facts, malformed: malformed.length, evidence };
  } catch (error) {
    logger.error('access reviews unreadable', { accountId, error: String(error) });
    return { ok: false, reason: 'access reviews unreadable', evidence };
  }
}

/**
 * Audit events of the last day not written by this module. Its own events (automatic findings)
 * must not count: they would turn the failure they report into a pass on the next evaluation.
 * Both queries order by timestamp descending so the audit-log query indexes serve them.
 */
async function countRecentAuditEvents(
  deps: Deps,
  accountId: string,
  now: Date,
): Promise<Slice<number>> {
  const path = subcollectionPath(accountId, 'auditLogs');
  const evidence: EvidencePointer = { source: 'auditLogs', pointer: path };
  const since = Timestamp.fromDate(addHours(now, -ACTIVITY_WINDOW_HOURS));
  const recent = deps.db
    .collection(path)
    .where('timestamp', '>=', since)
    .orderBy('timestamp', 'desc');
  try {
    const [all, own] = await Promise.all([
      recent.count().get(),
      recent.where('actorId', '==', SYSTEM_ACTOR).count().get(),
    ]);
    return { ok: true, value: all.data().count - own.data().count, malformed: 0, evidence };
  } catch (error) {
    logger.error('recent audit events not countable', { accountId, error: String(error) });
    return { ok: false, reason: 'audit log unreadable', evidence };
  }
}

/** Reads everything the control tests need, in parallel. Never throws for missing evidence. */
export async function gatherControlEvidence(
  deps: Deps,
  accountId: string,
  accountCreatedAt: Date,
  now: Date,
): Promise<{ evidence: ControlEvidence; report: EvidenceReport; archives: Slice<ArchiveEntry[]> }> {
  const [report, archives, auditEventsLast24h, evidenceItems, accessReviews] = await Promise.all([
    buildReport(deps, accountId, { asOf: now, sections: CONTROL_SECTION_SLUGS }),
    readArchives(deps, accountId),
    countRecentAuditEvents(deps, accountId, now),
    readEvidenceItems(deps, accountId),
    readAccessReviews(deps, accountId),
  ]);
  return {
    evidence: evidenceFromReport(report, {
      accountCreatedAt,
      auditEventsLast24h,
      archives,
      evidenceItems,
      accessReviews,
    }),
    report,
    archives,
  };
}
