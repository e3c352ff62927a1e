import { CATALOGS } from '../../../functions/catalogs';
import type { ControlEvidence } from '../../../functions/compliance/controlTests';
import { evidenceFromReport } from '../../../functions/compliance/evidence';
import { SECTIONS } from '../../../functions/report/registry';
import { computeEncryptionInventory } from '../../../functions/report/sections/encryptionInventory';
import { computeIncidentResponse } from '../../../functions/report/sections/incidentResponse';
import { computeVendorRegister } from '../../../functions/report/sections/vendorRegister';
import type {
  AccessReview,
  AccessReviewMember,
  EvidenceReport,
  SectionDataMap,
} from '../../../functions/schema/evidence';
import { REPORT_VERSION, type SectionKey } from '../../../functions/schema/report';
import { NOW } from './fixtures';

const generatedAt = NOW.toISOString();
const ok = <K extends SectionKey>(data: SectionDataMap[K]) => ({
  status: 'ok' as const,
  generatedAt,
  data,
});

const member = (uid: string, overrides: Partial<AccessReviewMember> = {}): AccessReviewMember => ({
  uid,
  email: `${uid}@example.com`,
  displayName: uid,
  role: 'owner',
  level: 100,
  departments: [],
  permissions: [],
  resourceAccess: { recipes: 0, workflows: 0 },
  lastActiveAt: null,
  membershipDisabled: false,
  identity: null,
  flags: [],
  ...overrides,
});

const accessReview = (overrides: Partial<AccessReview> = {}): AccessReview => {
  const empty = SECTIONS.accessReview.empty(NOW);
  return {
    ...empty,
    members: [
      member('alice', {
        lastActiveAt: '2026-11-15T09:00:00.000Z',
        identity: {
          disabled: true,
          emailVerified: true,
          mfaEnrolled: true,
          mfaFactors: ['totp'],
          lastSignInAt: null,
          providers: ['password'],
        },
      }),
      member('bob', { role: 'viewer', level: 5, membershipDisabled: true }),
    ],
    apiKeys: {
      ...empty.apiKeys,
      keys: [
        {
          id: 'k1',
          provider: 'anthropic',
          status: 'valid',
          createdAt: '2026-01-01T00:00:00.000Z',
          lastUsedAt: null,
          ageDays: 318,
          stale: true,
          staleReason: 'never_used_since_creation',
        },
      ],
    },
    ...overrides,
  };
};

/** A report with every section the controls read, all ok. */
const report = (sections: EvidenceReport['sections'] = {}): EvidenceReport => ({
  version: REPORT_VERSION,
  accountId: 'acct',
  generatedAt,
  complete: true,
  sections: {
    accessReview: ok<'accessReview'>(accessReview()),
    vendorRegister: ok<'vendorRegister'>(computeVendorRegister(CATALOGS.vendors, NOW)),
    encryptionInventory: ok<'encryptionInventory'>(computeEncryptionInventory(CATALOGS.encryption)),
    retentionPolicy: ok<'retentionPolicy'>({
      ...SECTIONS.retentionPolicy.empty(NOW),
      auditLogDays: 400,
    }),
    incidentResponse: ok<'incidentResponse'>(
      computeIncidentResponse(CATALOGS.incidentResponse, CATALOGS.businessContinuity),
    ),
    ...sections,
  },
});

const extras: Pick<
  ControlEvidence,
  'accountCreatedAt' | 'auditEventsLast24h' | 'archives' | 'evidenceItems' | 'accessReviews'
> = {
  accountCreatedAt: new Date('2025-01-01T00:00:00Z'),
  auditEventsLast24h: {
    ok: true,
    value: 3,
    malformed: 0,
    evidence: { source: 'auditLogs', pointer: 'accounts/acct/auditLogs' },
  },
  archives: {
    ok: false,
    reason: 'index unreadable',
    evidence: { source: 'evidenceArchives', pointer: 'accounts/acct/evidenceArchives' },
  },
  evidenceItems: {
    ok: true,
    value: [],
    malformed: 0,
    evidence: { source: 'evidenceItems', pointer: 'accounts/acct/evidenceItems' },
  },
  accessReviews: {
    ok: true,
    value: [],
    malformed: 0,
    evidence: { source: 'accessReviews', pointer: 'accounts/acct/accessReviews' },
  },
};

describe('control evidence from the report', () => {
  it('turns members and keys into facts, with dates parsed and unknown identities as null', () => {
    const evidence = evidenceFromReport(report(), extras);
    expect(evidence.members).toEqual({
      ok: true,
      malformed: 0,
      evidence: { source: 'report', section: 'accessReview', pointer: '/members' },
      value: [
        {
          uid: 'alice',
          role: 'owner',
          level: 100,
          memberDisabled: false,
          mfaEnrolled: true,
          authDisabled: true,
          lastActiveAt: new Date('2026-11-15T09:00:00.000Z'),
        },
        {
          uid: 'bob',
          role: 'viewer',
          level: 5,
          memberDisabled: true,
          mfaEnrolled: null,
          authDisabled: null,
          lastActiveAt: null,
        },
      ],
    });
    expect(evidence.apiKeys).toMatchObject({
      ok: true,
      evidence: { pointer: '/apiKeys/keys' },
      value: [
        {
          id: 'k1',
          status: 'valid',
          createdAt: new Date('2026-01-01T00:00:00Z'),
          lastUsedAt: null,
        },
      ],
    });
  });

  it('takes vendors, encryption, retention and runbook steps from their sections', () => {
    const evidence = evidenceFromReport(report(), extras);
    expect(evidence.vendors).toMatchObject({
      ok: true,
      value: CATALOGS.vendors.map((v) => ({ id: v.id, nextReviewDate: v.nextReviewDate })),
    });
    expect(evidence.encryptionInTransit).toMatchObject({
      ok: true,
      value: CATALOGS.encryption.map((c) => ({ id: c.id, appliesTo: c.appliesTo })),
    });
    expect(evidence.auditLogRetentionDays).toMatchObject({ ok: true, value: 400 });
    const steps = CATALOGS.incidentResponse.procedures.flatMap((p) => p.steps);
    expect(evidence.runbookSteps).toMatchObject({ ok: true });
    expect(evidence.runbookSteps.ok && evidence.runbookSteps.value).toHaveLength(steps.length);
  });

  it('passes the evidence read elsewhere through unchanged', () => {
    const evidence = evidenceFromReport(report(), extras);
    expect(evidence.accountCreatedAt).toBe(extras.accountCreatedAt);
    expect(evidence.auditEventsLast24h).toBe(extras.auditEventsLast24h);
    expect(evidence.archives).toBe(extras.archives);
  });

  it('a section the report lacks makes its slices unavailable, naming it', () => {
    const { vendorRegister: _omitted, ...others } = report().sections;
    const evidence = evidenceFromReport({ ...report(), sections: others }, extras);
    expect(evidence.vendors).toEqual({
      ok: false,
      reason: 'report section vendorRegister missing',
      evidence: { source: 'report', section: 'vendorRegister', pointer: '/vendors' },
    });
  });

  it('a section degraded by a failure proves nothing: its placeholder data is not used', () => {
    const degraded = {
      status: 'degraded' as const,
      generatedAt,
      error: { code: 'timeout', message: 'The section did not finish within 10000 ms.' },
      data: accessReview(),
    };
    const evidence = evidenceFromReport(report({ accessReview: degraded }), extras);
    const reason =
      'report section accessReview degraded (timeout: The section did not finish within 10000 ms.)';
    expect(evidence.members).toEqual({
      ok: false,
      reason,
      evidence: { source: 'report', section: 'accessReview', pointer: '/members' },
    });
    expect(evidence.apiKeys).toMatchObject({ ok: false, reason });
  });

  it('a section degraded by malformed documents keeps the valid ones and counts the rest per collection', () => {
    const data = accessReview({
      malformedDocuments: [
        { path: 'accounts/acct/members/m1', problem: 'role invalid' },
        { path: 'accounts/acct/members/m2', problem: 'email invalid' },
        { path: 'accounts/acct/apiKeys/k9', problem: 'status invalid' },
      ],
    });
    const malformed = {
      status: 'degraded' as const,
      generatedAt,
      error: { code: 'malformed_documents', message: '3 stored document(s) failed validation' },
      data,
    };
    const evidence = evidenceFromReport(report({ accessReview: malformed }), extras);
    expect(evidence.members).toMatchObject({ ok: true, malformed: 2 });
    expect(evidence.members.ok && evidence.members.value.map((m) => m.uid)).toEqual([
      'alice',
      'bob',
    ]);
    expect(evidence.apiKeys).toMatchObject({ ok: true, malformed: 1 });
  });
});
