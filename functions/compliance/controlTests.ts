import { quarterBefore, quarterContaining } from '../domain/quarter';
import { PRIVILEGED_LEVEL, type Role } from '../domain/roles';
import { addHours, daysBetween, utcDay } from '../domain/time';
import type {
  Control,
  ControlTestResult,
  ControlTestStatus,
  EvidencePointer,
} from '../schema/compliance';
import type { EvidenceKind } from '../schema/evidenceItems';
import { CONTROLS } from './controlCatalog';

/**
 * Automated control tests: pure functions of the evidence, the clock and the configuration. They
 * never read Firestore; evidence.ts assembles what they see, so each test has a pass and a fail
 * fixture without an emulator.
 */

/**
 * One slice of evidence. A slice that could not be produced (its report section is degraded) makes
 * the tests that need it `inconclusive` — neither a false pass nor a finding opened by an outage.
 * `malformed` counts stored documents that could not be parsed: a test that would pass cannot
 * vouch for them, so it is inconclusive instead.
 */
export type Slice<T> =
  | { ok: true; value: T; malformed: number; evidence: EvidencePointer }
  | { ok: false; reason: string; evidence: EvidencePointer };

export interface MemberFacts {
  uid: string;
  role: Role;
  level: number;
  /** `disabled` on the member document. */
  memberDisabled: boolean;
  /** From Firebase Auth; null when the Auth user is unknown (no identity-provider facts). */
  mfaEnrolled: boolean | null;
  authDisabled: boolean | null;
  lastActiveAt: Date | null;
}

export interface ApiKeyFacts {
  id: string;
  status: 'valid' | 'invalid' | 'revoked';
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface VendorFacts {
  id: string;
  /** YYYY-MM-DD. */
  nextReviewDate: string;
}

export interface RunbookStepFacts {
  procedureId: string;
  order: number;
  responsibleRole: string | null;
  slaMinutes: number | null;
}

export interface ArchiveFacts {
  id: string;
  periodStart: Date;
  /** Exclusive. */
  periodEnd: Date;
}

/** A stored evidence item (CONTRACT §10), as the evidence-item controls see it. */
export interface EvidenceItemFacts {
  id: string;
  title: string;
  kind: EvidenceKind | null;
  criteria: string[];
  effectiveAt: Date;
  expiresAt: Date | null;
}

/** An access review as the control sees it: when it was signed off, and what is still not done. */
export interface AccessReviewFacts {
  id: string;
  title: string;
  /** Null while the review is open. */
  signedOffAt: Date | null;
  /** Signed-off revoke and change_role decisions the live member documents do not show yet. */
  outstanding: { subjectId: string; decision: string }[];
}

export interface ControlEvidence {
  accountCreatedAt: Date;
  members: Slice<MemberFacts[]>;
  apiKeys: Slice<ApiKeyFacts[]>;
  vendors: Slice<VendorFacts[]>;
  encryptionInTransit: Slice<{ id: string; appliesTo: 'at_rest' | 'in_transit' | 'both' }[]>;
  /** Effective audit-log retention; null when none is configured. */
  auditLogRetentionDays: Slice<number | null>;
  runbookSteps: Slice<RunbookStepFacts[]>;
  /** Audit events with a timestamp in the last ACTIVITY_WINDOW_HOURS. */
  auditEventsLast24h: Slice<number>;
  /** Complete bundles of this account (the evidence archive index). */
  archives: Slice<ArchiveFacts[]>;
  /** Evidence items whose content is stored (items awaiting their upload prove nothing yet). */
  evidenceItems: Slice<EvidenceItemFacts[]>;
  /** Access-review campaigns of this account (CONTRACT §9). */
  accessReviews: Slice<AccessReviewFacts[]>;
}

export interface ControlTestConfig {
  /** Owners allowed per account. */
  maxOwners: number;
}

/**
 * The configuration the API evaluates with. A deployment param was tried and dropped: the Functions
 * emulator prompts for params even when they have defaults, which hangs a non-interactive stack.
 */
export const DEFAULT_CONTROL_TEST_CONFIG: Readonly<ControlTestConfig> = Object.freeze({
  maxOwners: 3,
});

export const API_KEY_MAX_IDLE_DAYS = 90;
export const MIN_AUDIT_RETENTION_DAYS = 365;
export const ACTIVITY_WINDOW_HOURS = 24;
/** The scheduled bundle job gets this long after a quarter ends before its absence is a failure. */
export const BUNDLE_GRACE_HOURS = 48;
/** Days after sign-off within which a revoke or change_role decision must be carried out. */
export const ACCESS_REVIEW_FOLLOW_UP_DAYS = 14;
const MAX_OFFENDERS = 50;

type Evaluator = (evidence: ControlEvidence, now: Date, config: ControlTestConfig) => Outcome;

/** What a test decides from the evidence values. */
interface Verdict {
  status: ControlTestStatus;
  measured: ControlTestResult['measured'];
  detail: string;
  offenders?: string[];
}

/** A verdict with the evidence it rests on; `runControlTest` adds id, threshold and time. */
type Outcome = Verdict & { evidence: EvidencePointer[] };

/** Runs `decide` on the slices' values, or answers inconclusive naming the missing evidence. */
function withSlices<T extends Slice<unknown>[]>(
  slices: [...T],
  decide: (...values: { [K in keyof T]: T[K] extends Slice<infer V> ? V : never }) => Verdict,
): Outcome {
  const evidence = slices.map((s) => s.evidence);
  const missing = slices.filter((s) => !s.ok);
  if (missing.length > 0) {
    return {
      status: 'inconclusive',
      measured: null,
      detail: `Evidence unavailable: ${missing.map((s) => (s.ok ? '' : s.reason)).join('; ')}`,
      evidence,
    };
  }
  const values = slices.map((s) => (s.ok ? s.value : undefined)) as Parameters<typeof decide>;
  const outcome = decide(...values);
  const malformed = slices.reduce((n, s) => n + (s.ok ? s.malformed : 0), 0);
  if (outcome.status === 'pass' && malformed > 0) {
    return {
      ...outcome,
      status: 'inconclusive',
      detail: `${outcome.detail} But ${malformed} stored document(s) could not be parsed and were not checked.`,
      evidence,
    };
  }
  return { ...outcome, evidence };
}

/** pass when nothing offends, fail otherwise; the count is the measured value. */
function countOffenders(offenders: string[], what: string): Verdict {
  return {
    status: offenders.length === 0 ? 'pass' : 'fail',
    measured: offenders.length,
    detail:
      offenders.length === 0
        ? `No ${what}.`
        : `${offenders.length} ${what}: ${offenders.join(', ')}.`,
    offenders,
  };
}

/** The last calendar quarter whose bundle is due by `now` (UTC), after the grace period. */
export function dueQuarter(now: Date): { start: Date; end: Date } {
  const { start, end } = quarterBefore(quarterContaining(addHours(now, -BUNDLE_GRACE_HOURS)));
  return { start, end };
}

type EvidenceItemControl = Control & { evidenceItem: NonNullable<Control['evidenceItem']> };

const EVIDENCE_ITEM_CONTROLS = CONTROLS.filter((c): c is EvidenceItemControl => !!c.evidenceItem);

/** Criteria that one evidence-item control alone claims: a kind-less item naming one serves it. */
const UNAMBIGUOUS_CRITERIA = new Map(
  [...new Set(EVIDENCE_ITEM_CONTROLS.flatMap((c) => c.criteria))].flatMap((criterion) => {
    const claiming = EVIDENCE_ITEM_CONTROLS.filter((c) => c.criteria.includes(criterion));
    return claiming.length === 1 ? [[criterion, claiming[0].id] as const] : [];
  }),
);

/**
 * Whether an item is evidence for the control: its `kind` says so, or, without a kind, it names a
 * criterion only this control claims (CC4.1 and CC7.1 need a kind: a scan and a pen test share them).
 */
export const itemServes = (item: EvidenceItemFacts, control: EvidenceItemControl) =>
  item.kind !== null
    ? item.kind === control.evidenceItem.kind
    : item.criteria.some((c) => UNAMBIGUOUS_CRITERIA.get(c) === control.id);

const describeItem = (item: EvidenceItemFacts) =>
  `${item.id} ("${item.title}", effective ${utcDay(item.effectiveAt)})`;

/** Why an item that serves the control no longer counts at `now`; undefined when it counts. */
function staleness(item: EvidenceItemFacts, maxAgeDays: number, now: Date): string | undefined {
  if (item.expiresAt !== null && item.expiresAt <= now) {
    return `${describeItem(item)} expired on ${utcDay(item.expiresAt)}`;
  }
  if (daysBetween(item.effectiveAt, now) > maxAgeDays) {
    return `${describeItem(item)} is older than ${maxAgeDays} days`;
  }
  return undefined;
}

/**
 * pass when a stored item serving the control is effective now, not expired and recent enough;
 * fail `missing` when there is none at all, `expired` when every one has lapsed.
 */
function evidenceItemTest(control: EvidenceItemControl): Evaluator {
  const { kind, maxAgeDays } = control.evidenceItem;
  const needed = `a stored evidence item of kind ${kind} (criteria ${control.criteria.join(', ')}) effective within ${maxAgeDays} days`;
  return (ev, now) =>
    withSlices([ev.evidenceItems], (items) => {
      const serving = items
        .filter((item) => itemServes(item, control) && item.effectiveAt <= now)
        .sort((a, b) => b.effectiveAt.getTime() - a.effectiveAt.getTime());
      const current = serving.find((item) => staleness(item, maxAgeDays, now) === undefined);
      if (current) {
        return {
          status: 'pass',
          measured: current.id,
          detail: `Evidence item ${describeItem(current)} is current.`,
        };
      }
      if (serving.length === 0) {
        return { status: 'fail', measured: 'missing', detail: `Missing: ${needed}.` };
      }
      return {
        status: 'fail',
        measured: 'expired',
        detail: `Expired: ${staleness(serving[0], maxAgeDays, now)}; needed is ${needed}.`,
        offenders: serving.map((item) => item.id),
      };
    });
}

export const CONTROL_TESTS: Readonly<Record<string, Evaluator>> = {
  ...Object.fromEntries(EVIDENCE_ITEM_CONTROLS.map((c) => [c.id, evidenceItemTest(c)])),

  'mfa-privileged-members': (ev) =>
    withSlices([ev.members], (members) =>
      countOffenders(
        members
          .filter((m) => !m.memberDisabled && m.level >= PRIVILEGED_LEVEL && m.mfaEnrolled !== true)
          .map((m) => m.uid),
        'privileged members without MFA',
      ),
    ),

  'api-key-idle-rotation': (ev, now) =>
    withSlices([ev.apiKeys], (keys) =>
      countOffenders(
        keys
          .filter(
            (k) =>
              k.status !== 'revoked' &&
              daysBetween(k.createdAt, now) > API_KEY_MAX_IDLE_DAYS &&
              (k.lastUsedAt === null || daysBetween(k.lastUsedAt, now) > API_KEY_MAX_IDLE_DAYS),
          )
          .map((k) => k.id),
        `keys older than ${API_KEY_MAX_IDLE_DAYS} days unused for ${API_KEY_MAX_IDLE_DAYS} days`,
      ),
    ),

  'api-key-invalid-revoked': (ev) =>
    withSlices([ev.apiKeys], (keys) =>
      countOffenders(
        keys.filter((k) => k.status === 'invalid').map((k) => k.id),
        'active keys with status invalid',
      ),
    ),

  'deprovisioned-users': (ev) =>
    withSlices([ev.members], (members) =>
      countOffenders(
        members.filter((m) => m.authDisabled === true && !m.memberDisabled).map((m) => m.uid),
        'disabled Auth users still holding a role',
      ),
    ),

  'owner-limit': (ev, _now, config) =>
    withSlices([ev.members], (members) => {
      const owners = members.filter((m) => m.role === 'owner' && !m.memberDisabled);
      const pass = owners.length <= config.maxOwners;
      return {
        status: pass ? 'pass' : 'fail',
        measured: owners.length,
        detail: `${owners.length} owner(s); the limit is ${config.maxOwners}.`,
        offenders: pass ? [] : owners.map((m) => m.uid),
      };
    }),

  'encryption-in-transit': (ev) =>
    withSlices([ev.encryptionInTransit], (controls) => {
      const inTransit = controls.filter((c) => c.appliesTo !== 'at_rest');
      return {
        status: inTransit.length > 0 ? 'pass' : 'fail',
        measured: inTransit.length,
        detail:
          inTransit.length > 0
            ? `In transit: ${inTransit.map((c) => c.id).join(', ')}.`
            : 'The encryption inventory lists no in-transit control.',
      };
    }),

  'audit-logging-active': (ev, now) =>
    withSlices([ev.members, ev.auditEventsLast24h], (members, events) => {
      const since = addHours(now, -ACTIVITY_WINDOW_HOURS).getTime();
      const active = members.filter((m) => (m.lastActiveAt?.getTime() ?? -Infinity) >= since);
      if (active.length === 0) {
        return {
          status: 'not_applicable',
          measured: events,
          detail: `No member was active in the last ${ACTIVITY_WINDOW_HOURS} hours.`,
        };
      }
      return {
        status: events > 0 ? 'pass' : 'fail',
        measured: events,
        detail: `${events} audit event(s) in the last ${ACTIVITY_WINDOW_HOURS} hours while ${active.length} member(s) were active.`,
      };
    }),

  'audit-log-retention': (ev) =>
    withSlices([ev.auditLogRetentionDays], (days) => ({
      status: days !== null && days >= MIN_AUDIT_RETENTION_DAYS ? 'pass' : 'fail',
      measured: days,
      detail:
        days === null
          ? 'No audit-log retention is configured.'
          : `Audit logs are kept ${days} days.`,
    })),

  'incident-runbook-ownership': (ev) =>
    withSlices([ev.runbookSteps], (steps) =>
      countOffenders(
        steps
          .filter((s) => !s.responsibleRole?.trim() || !(s.slaMinutes && s.slaMinutes > 0))
          .map((s) => `${s.procedureId}#${s.order}`),
        'runbook steps without an owner or SLA',
      ),
    ),

  'vendor-review-schedule': (ev, now) =>
    withSlices([ev.vendors], (vendors) => {
      const today = utcDay(now);
      return countOffenders(
        vendors.filter((v) => v.nextReviewDate < today).map((v) => v.id),
        'vendors overdue for review',
      );
    }),

  'access-review-quarterly': (ev, now) =>
    withSlices([ev.accessReviews], (reviews) =>
      accessReviewVerdict(reviews, ev.accountCreatedAt, now),
    ),

  'quarterly-evidence-bundle': (ev, now) =>
    withSlices([ev.archives], (archives) => {
      const quarter = dueQuarter(now);
      const label = `${utcDay(quarter.start)}..${utcDay(quarter.end)}`;
      if (ev.accountCreatedAt >= quarter.end) {
        return {
          status: 'not_applicable',
          measured: null,
          detail: `The account did not exist during ${label}.`,
        };
      }
      const covering = archives.find(
        (a) => a.periodStart <= quarter.start && a.periodEnd >= quarter.end,
      );
      return {
        status: covering ? 'pass' : 'fail',
        measured: covering?.id ?? null,
        detail: covering
          ? `Bundle ${covering.id} covers ${label}.`
          : `No signed bundle covers ${label}.`,
      };
    }),
};

/**
 * The quarter whose access review is due by `now`: the last completed one. The current quarter is
 * not due until it ends, so a daily run never fails a review that may still happen this quarter.
 */
export const reviewDueQuarter = (now: Date) => quarterBefore(quarterContaining(now));

/** Signed-off decisions outstanding more than ACCESS_REVIEW_FOLLOW_UP_DAYS after their sign-off. */
function overdueFollowUps(reviews: readonly AccessReviewFacts[], now: Date) {
  return reviews
    .filter(
      (r) =>
        r.signedOffAt !== null &&
        daysBetween(r.signedOffAt, now) > ACCESS_REVIEW_FOLLOW_UP_DAYS &&
        r.outstanding.length > 0,
    )
    .flatMap((r) => r.outstanding.map((o) => ({ review: r, ...o })));
}

function accessReviewVerdict(
  reviews: readonly AccessReviewFacts[],
  accountCreatedAt: Date,
  now: Date,
): Verdict {
  const quarter = reviewDueQuarter(now);
  const overdue = overdueFollowUps(reviews, now);
  const offenders = overdue.map((o) => `${o.review.id}/${o.subjectId}`);
  const overdueText =
    overdue.length === 0
      ? ''
      : ` ${overdue.length} decision(s) outstanding more than ${ACCESS_REVIEW_FOLLOW_UP_DAYS} days after sign-off: ${overdue
          .map((o) => `${o.decision} of ${o.subjectId} in "${o.review.title}" (${o.review.id})`)
          .join(', ')}.`;
  // An account younger than the due quarter could not have reviewed all of it.
  if (accountCreatedAt > quarter.start) {
    return {
      status: overdue.length === 0 ? 'not_applicable' : 'fail',
      measured: null,
      detail: `The account did not exist for the whole of ${quarter.id}.${overdueText}`,
      offenders,
    };
  }
  const signed = reviews.find(
    (r) => r.signedOffAt !== null && r.signedOffAt >= quarter.start && r.signedOffAt < quarter.end,
  );
  const reviewText = signed
    ? `Access review "${signed.title}" (${signed.id}) was signed off in ${quarter.id}.`
    : `No access review was signed off in ${quarter.id}.`;
  return {
    status: signed && overdue.length === 0 ? 'pass' : 'fail',
    measured: signed?.id ?? null,
    detail: reviewText + overdueText,
    offenders,
  };
}

/** Runs one control's test. */
export function runControlTest(
  controlId: string,
  evidence: ControlEvidence,
  now: Date,
  config: ControlTestConfig,
): ControlTestResult {
  const control = CONTROLS.find((c) => c.id === controlId);
  const evaluate = CONTROL_TESTS[controlId];
  if (!control || !evaluate) throw new Error(`no automated test for control ${controlId}`);
  const outcome = evaluate(evidence, now, config);
  return {
    controlId,
    status: outcome.status,
    measured: outcome.measured,
    threshold: control.test.threshold,
    detail: outcome.detail,
    offenders: (outcome.offenders ?? []).slice(0, MAX_OFFENDERS),
    evidence: outcome.evidence,
    evaluatedAt: now.toISOString(),
  };
}

/** Every control's test, in catalog order. */
export function evaluateControls(
  evidence: ControlEvidence,
  now: Date,
  config: ControlTestConfig,
): ControlTestResult[] {
  return CONTROLS.map((c) => runControlTest(c.id, evidence, now, config));
}
