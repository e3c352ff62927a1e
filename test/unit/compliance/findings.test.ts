import { findControl } from '../../../functions/compliance/controlCatalog';
import {
  applyFindingUpdate,
  autoFindingId,
  closeAutoFinding,
  newAutoFinding,
  planAutoFinding,
} from '../../../functions/compliance/findings';
import { ApiError } from '../../../functions/domain/errors';
import { addHours, utcDay } from '../../../functions/domain/time';
import type { ControlTestResult, FindingDoc } from '../../../functions/schema/compliance';
import { NOW } from './fixtures';

const CONTROL = findControl('owner-limit')!;
const result = (status: ControlTestResult['status']): ControlTestResult => ({
  controlId: CONTROL.id,
  status,
  measured: status === 'fail' ? 5 : 1,
  threshold: CONTROL.test.threshold,
  detail: 'fixture',
  offenders: [],
  evidence: [{ source: 'report', section: 'accessReview', pointer: '/members' }],
  evaluatedAt: NOW.toISOString(),
});

describe('automatic finding state machine', () => {
  const idle = { cycle: 0, openAutoFindingId: null };
  const tracking = { cycle: 1, openAutoFindingId: autoFindingId(CONTROL.id, 1) };

  it('a first failure opens the next cycle with a deterministic id', () => {
    expect(planAutoFinding(idle, null, result('fail'))).toEqual({
      action: 'open',
      findingId: 'auto-owner-limit-1',
      cycle: 1,
    });
  });

  it('a repeated failure while the finding is unresolved opens nothing', () => {
    for (const status of ['open', 'in_progress'] as const) {
      expect(planAutoFinding(tracking, { status }, result('fail'))).toEqual({ action: 'none' });
    }
  });

  it('recovery closes the unresolved finding', () => {
    expect(planAutoFinding(tracking, { status: 'in_progress' }, result('pass'))).toEqual({
      action: 'close',
      findingId: 'auto-owner-limit-1',
    });
  });

  it('a failure after recovery opens a new cycle', () => {
    expect(
      planAutoFinding({ cycle: 1, openAutoFindingId: null }, null, result('fail')),
    ).toMatchObject({
      action: 'open',
      findingId: 'auto-owner-limit-2',
    });
  });

  it('an accepted risk stays accepted while the failure lasts and is released on recovery', () => {
    expect(planAutoFinding(tracking, { status: 'risk_accepted' }, result('fail'))).toEqual({
      action: 'none',
    });
    expect(planAutoFinding(tracking, { status: 'risk_accepted' }, result('pass'))).toEqual({
      action: 'release',
    });
  });

  it('a finding marked remediated by hand that still fails gets a new cycle', () => {
    expect(planAutoFinding(tracking, { status: 'remediated' }, result('fail'))).toMatchObject({
      action: 'open',
      findingId: 'auto-owner-limit-2',
    });
  });

  it('a deleted tracked finding is replaced on failure', () => {
    expect(planAutoFinding(tracking, null, result('fail'))).toMatchObject({
      action: 'open',
      cycle: 2,
    });
  });

  it('inconclusive and not-applicable results neither open nor close', () => {
    for (const status of ['inconclusive', 'not_applicable'] as const) {
      expect(planAutoFinding(idle, null, result(status))).toEqual({ action: 'none' });
      expect(planAutoFinding(tracking, { status: 'open' }, result(status))).toEqual({
        action: 'none',
      });
    }
  });

  it('the automatic finding keeps the failing and the passing evidence', () => {
    const opened = newAutoFinding(CONTROL, result('fail'), NOW);
    expect(opened).toMatchObject({
      controlId: 'owner-limit',
      status: 'open',
      source: 'automatic',
      severity: CONTROL.findingSeverity,
      openedBy: { status: 'fail', measured: 5 },
      closedBy: null,
    });
    expect(opened.dueDate > utcDay(NOW)).toBe(true);
    const later = addHours(NOW, 1);
    const closed = closeAutoFinding(
      opened,
      { ...result('pass'), evaluatedAt: later.toISOString() },
      later,
    );
    expect(closed).toMatchObject({
      status: 'remediated',
      openedBy: { status: 'fail' },
      closedBy: { status: 'pass', evaluatedAt: later.toISOString() },
    });
    expect(closed.history.map((h) => h.changes[0].newValue)).toEqual(['open', 'remediated']);
  });
});

describe('finding updates', () => {
  const manual: FindingDoc = {
    ...newAutoFinding(CONTROL, result('fail'), NOW),
    source: 'manual',
    createdBy: 'uid-admin',
    history: [],
  };

  it('records every changed field with old and new values in one history entry', () => {
    const out = applyFindingUpdate(
      manual,
      { accountId: 'a', status: 'in_progress', title: 'New title', severity: manual.severity },
      'uid-lead',
      NOW,
      false,
    );
    expect(out?.finding).toMatchObject({ status: 'in_progress', title: 'New title' });
    expect(out?.entry).toEqual({
      at: NOW.toISOString(),
      by: 'uid-lead',
      changes: [
        { field: 'title', oldValue: manual.title, newValue: 'New title' },
        { field: 'status', oldValue: 'open', newValue: 'in_progress' },
      ],
    });
    expect(out?.finding.history).toHaveLength(1);
  });

  it('an update that changes nothing returns null', () => {
    expect(
      applyFindingUpdate(manual, { accountId: 'a', status: 'open' }, 'u', NOW, false),
    ).toBeNull();
  });

  it('a remediated finding can only be reopened', () => {
    const remediated = { ...manual, status: 'remediated' as const };
    expect(() =>
      applyFindingUpdate(remediated, { accountId: 'a', status: 'in_progress' }, 'u', NOW, false),
    ).toThrow(/cannot go from remediated to in_progress/);
    expect(
      applyFindingUpdate(remediated, { accountId: 'a', status: 'open' }, 'u', NOW, false)?.finding
        .status,
    ).toBe('open');
  });

  it('an automatic finding cannot be marked remediated by hand while its control fails', () => {
    const auto = newAutoFinding(CONTROL, result('fail'), NOW);
    const attempt = () =>
      applyFindingUpdate(auto, { accountId: 'a', status: 'remediated' }, 'u', NOW, true);
    expect(attempt).toThrow(ApiError);
    expect(attempt).toThrow(/still fails/);
    expect(
      applyFindingUpdate(auto, { accountId: 'a', status: 'remediated' }, 'u', NOW, false)?.finding
        .status,
    ).toBe('remediated');
  });
});
