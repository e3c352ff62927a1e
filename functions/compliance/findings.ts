import { failedPrecondition } from '../domain/errors';
import { addDays, utcDay } from '../domain/time';
import type {
  Control,
  ControlTestResult,
  FindingDoc,
  FindingStatus,
  HistoryEntry,
  UpdateFindingBody,
} from '../schema/compliance';
import { UNRESOLVED_FINDING_STATUSES } from '../schema/compliance';

/**
 * Findings: the pure rules. Automatic findings follow their control's test — opened once when it
 * starts failing, closed with the passing evidence when it recovers — and people move any finding
 * through its statuses with every change kept in `history`.
 */

/** The automatic finding of a control's n-th failing spell: deterministic, so a retry finds it. */
export const autoFindingId = (controlId: string, cycle: number) => `auto-${controlId}-${cycle}`;

export type AutoFindingPlan =
  | { action: 'none' }
  | { action: 'open'; findingId: string; cycle: number }
  | { action: 'close'; findingId: string }
  /** Forget the pointer and leave the finding as people set it (remediated or risk accepted). */
  | { action: 'release' };

/**
 * What a new test result does to the control's automatic finding.
 *
 * `current` is the finding the control points at, or null when none is open (or it was deleted).
 * Inconclusive and not-applicable results change nothing: an outage neither opens nor closes.
 */
export function planAutoFinding(
  state: { cycle: number; openAutoFindingId: string | null },
  current: { status: FindingStatus } | null,
  result: Pick<ControlTestResult, 'controlId' | 'status'>,
): AutoFindingPlan {
  const tracked = state.openAutoFindingId !== null && current !== null;
  const unresolved = tracked && UNRESOLVED_FINDING_STATUSES.includes(current.status);
  if (result.status === 'fail') {
    // An accepted risk stays accepted while the failure lasts; a finding marked remediated by hand
    // that still fails is a new spell, so it gets a new finding rather than a silent reopen.
    if (unresolved || (tracked && current.status === 'risk_accepted')) return { action: 'none' };
    const cycle = state.cycle + 1;
    return { action: 'open', findingId: autoFindingId(result.controlId, cycle), cycle };
  }
  if (result.status === 'pass' && state.openAutoFindingId !== null) {
    return unresolved
      ? { action: 'close', findingId: state.openAutoFindingId }
      : { action: 'release' };
  }
  return { action: 'none' };
}

/** Days an automatic finding gets for remediation, by the control's severity. */
const REMEDIATION_DAYS: Readonly<Record<FindingDoc['severity'], number>> = {
  critical: 7,
  high: 14,
  medium: 30,
  low: 90,
};

export const SYSTEM_ACTOR = 'system:compliance';

export function newAutoFinding(control: Control, result: ControlTestResult, now: Date): FindingDoc {
  return {
    controlId: control.id,
    title: `Control failing: ${control.name}`,
    severity: control.findingSeverity,
    description: `${control.test.description} ${result.detail}`,
    remediationPlan: `Bring the control back within its threshold (${result.threshold}); this finding closes itself when the automated test passes.`,
    dueDate: utcDay(addDays(now, REMEDIATION_DAYS[control.findingSeverity])),
    status: 'open',
    source: 'automatic',
    createdAt: now,
    createdBy: SYSTEM_ACTOR,
    updatedAt: now,
    openedBy: result,
    closedBy: null,
    history: [
      {
        at: now.toISOString(),
        by: SYSTEM_ACTOR,
        changes: [{ field: 'status', oldValue: null, newValue: 'open' }],
      },
    ],
  };
}

export function closeAutoFinding(
  finding: FindingDoc,
  result: ControlTestResult,
  now: Date,
): FindingDoc {
  return {
    ...finding,
    status: 'remediated',
    closedBy: result,
    updatedAt: now,
    history: [
      ...finding.history,
      {
        at: now.toISOString(),
        by: SYSTEM_ACTOR,
        changes: [{ field: 'status', oldValue: finding.status, newValue: 'remediated' }],
      },
    ],
  };
}

/** Allowed status moves; anything resolved can be reopened, nothing skips the record. */
const TRANSITIONS: Readonly<Record<FindingStatus, readonly FindingStatus[]>> = {
  open: ['in_progress', 'remediated', 'risk_accepted'],
  in_progress: ['open', 'remediated', 'risk_accepted'],
  remediated: ['open'],
  risk_accepted: ['open'],
};

const EDITABLE_FIELDS = [
  'title',
  'severity',
  'description',
  'remediationPlan',
  'dueDate',
  'status',
] as const;

/**
 * Applies a PATCH: validates the status move, appends one history entry naming every changed
 * field, and returns null when nothing changes (so no write and no audit event).
 *
 * `controlFailing` is whether the finding's control fails right now: an automatic finding cannot
 * be marked remediated by hand while its test still fails (it closes itself on recovery).
 */
export function applyFindingUpdate(
  finding: FindingDoc,
  update: UpdateFindingBody,
  by: string,
  now: Date,
  controlFailing: boolean,
): { finding: FindingDoc; entry: HistoryEntry } | null {
  const changes = EDITABLE_FIELDS.filter(
    (field) => update[field] !== undefined && update[field] !== finding[field],
  ).map((field) => ({ field, oldValue: finding[field], newValue: update[field] }));
  if (changes.length === 0) return null;
  if (update.status !== undefined && update.status !== finding.status) {
    if (!TRANSITIONS[finding.status].includes(update.status)) {
      throw failedPrecondition(
        `status cannot go from ${finding.status} to ${update.status}; allowed: ${TRANSITIONS[finding.status].join(', ')}`,
        { field: 'status' },
      );
    }
    if (update.status === 'remediated' && finding.source === 'automatic' && controlFailing) {
      throw failedPrecondition(
        `status: control ${finding.controlId} still fails its automated test; this finding closes itself when the test passes`,
        { field: 'status' },
      );
    }
  }
  const entry: HistoryEntry = { at: now.toISOString(), by, changes };
  const next = { ...finding, updatedAt: now, history: [...finding.history, entry] };
  for (const { field, newValue } of changes) Object.assign(next, { [field]: newValue });
  return { finding: next, entry };
}
