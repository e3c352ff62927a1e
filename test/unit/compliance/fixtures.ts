import type {
  ApiKeyFacts,
  ControlEvidence,
  EvidenceItemFacts,
  MemberFacts,
  Slice,
} from '../../../functions/compliance/controlTests';
import { levelOf, type Role } from '../../../functions/domain/roles';
import { addDays, addHours } from '../../../functions/domain/time';

/** 2026-11-15T12:00Z: mid-quarter, so the last completed quarter is 2026-07-01..2026-10-01. */
export const NOW = new Date('2026-11-15T12:00:00Z');
export const daysAgo = (n: number) => addDays(NOW, -n);
export const hoursAgo = (n: number) => addHours(NOW, -n);

export const slice = <T>(value: T, malformed = 0): Slice<T> => ({
  ok: true,
  value,
  malformed,
  evidence: { source: 'report', pointer: '/fixture' },
});

export const missing = <T>(reason: string): Slice<T> => ({
  ok: false,
  reason,
  evidence: { source: 'report', pointer: '/fixture' },
});

export function member(uid: string, role: Role, facts: Partial<MemberFacts> = {}): MemberFacts {
  return {
    uid,
    role,
    level: levelOf(role),
    memberDisabled: false,
    mfaEnrolled: true,
    authDisabled: false,
    lastActiveAt: hoursAgo(1),
    ...facts,
  };
}

export function apiKey(id: string, facts: Partial<ApiKeyFacts> = {}): ApiKeyFacts {
  return { id, status: 'valid', createdAt: daysAgo(200), lastUsedAt: daysAgo(2), ...facts };
}

export function evidenceItem(
  id: string,
  facts: Partial<EvidenceItemFacts> = {},
): EvidenceItemFacts {
  return {
    id,
    title: `evidence ${id}`,
    kind: null,
    criteria: ['CC2.1'],
    effectiveAt: daysAgo(30),
    expiresAt: null,
    ...facts,
  };
}

/** One current item per evidence-item control, each saying what it is in its own way. */
export const currentEvidenceItems = (): EvidenceItemFacts[] => [
  evidenceItem('training', { criteria: ['CC2.1'] }),
  evidenceItem('risk', { kind: 'risk_assessment', criteria: ['CC3.1'], expiresAt: daysAgo(-300) }),
  evidenceItem('scan', { kind: 'vulnerability_scan', criteria: ['CC7.1'] }),
  evidenceItem('pentest', { kind: 'penetration_test', criteria: ['CC4.1', 'CC7.1'] }),
  evidenceItem('policy', { criteria: ['CC1.1'], effectiveAt: daysAgo(200) }),
];

/** Evidence on which every control passes; each test breaks one thing. */
export function healthyEvidence(overrides: Partial<ControlEvidence> = {}): ControlEvidence {
  return {
    accountCreatedAt: daysAgo(400),
    members: slice([
      member('o1', 'owner'),
      member('a1', 'admin'),
      member('m1', 'member', { mfaEnrolled: false }),
    ]),
    apiKeys: slice([apiKey('k1'), apiKey('k2', { status: 'revoked', lastUsedAt: null })]),
    vendors: slice([{ id: 'gcp', nextReviewDate: '2027-01-01' }]),
    encryptionInTransit: slice([
      { id: 'tls', appliesTo: 'in_transit' },
      { id: 'cmek', appliesTo: 'at_rest' },
    ]),
    auditLogRetentionDays: slice(400),
    runbookSteps: slice([
      { procedureId: 'triage', order: 1, responsibleRole: 'on-call engineer', slaMinutes: 15 },
    ]),
    auditEventsLast24h: slice(12),
    archives: slice([
      { id: '2026-Q3', periodStart: new Date('2026-07-01Z'), periodEnd: new Date('2026-10-01Z') },
    ]),
    evidenceItems: slice(currentEvidenceItems()),
    accessReviews: slice([
      {
        id: 'review-q3',
        title: 'Q3 access review',
        signedOffAt: new Date('2026-09-20T10:00:00Z'),
        outstanding: [],
      },
    ]),
    ...overrides,
  };
}
