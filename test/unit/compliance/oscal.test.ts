import { CONTROLS, findControl } from '../../../functions/compliance/controlCatalog';
import {
  buildAssessmentResults,
  bundleEvidence,
  OSCAL_UUID_NAMESPACE,
  resultsOfDays,
  type AssessmentInput,
} from '../../../functions/compliance/oscal';
import type { findingView } from '../../../functions/compliance/records';
import { URL_NAMESPACE, uuidV5 } from '../../../functions/domain/uuid';
import type { ControlDayDoc, ControlTestResult } from '../../../functions/schema/compliance';
import { oscalErrors, oscalSchema } from '../../support/oscalSchema';

type Finding = ReturnType<typeof findingView>;

const PERIOD = {
  start: new Date('2026-07-01T00:00:00.000Z'),
  end: new Date('2026-10-01T00:00:00.000Z'),
};

const result = (
  controlId: string,
  evaluatedAt: string,
  overrides: Partial<ControlTestResult> = {},
): ControlTestResult => ({
  controlId,
  status: 'pass',
  measured: 0,
  threshold: findControl(controlId)!.test.threshold,
  detail: 'All good.',
  offenders: [],
  evidence: [],
  evaluatedAt,
  ...overrides,
});

const finding = (id: string, overrides: Partial<Finding> = {}): Finding => ({
  id,
  controlId: 'mfa-privileged-members',
  title: 'Admin without MFA',
  severity: 'high',
  description: 'An admin has no second factor.',
  remediationPlan: 'Enrol a factor.',
  dueDate: '2026-09-30',
  status: 'open',
  source: 'automatic',
  createdAt: '2026-08-01T04:00:00.000Z',
  createdBy: 'control-evaluation',
  updatedAt: '2026-08-01T04:00:00.000Z',
  openedBy: null,
  closedBy: null,
  history: [],
  ...overrides,
});

const failing = result('mfa-privileged-members', '2026-08-01T04:00:00.000Z', {
  status: 'fail',
  measured: 1,
  detail: '1 privileged member without MFA.',
  offenders: ['admin-1'],
});

function input(overrides: Partial<AssessmentInput> = {}): AssessmentInput {
  return {
    accountId: 'acme',
    period: PERIOD,
    generatedAt: new Date('2026-10-01T02:00:00.000Z'),
    controls: CONTROLS,
    results: [
      result('owner-limit', '2026-07-01T04:00:00.000Z', { measured: 2 }),
      failing,
      result('mfa-privileged-members', '2026-08-02T04:00:00.000Z'),
    ],
    findings: [
      finding('f-high'),
      finding('f-low', { severity: 'low', status: 'remediated', controlId: 'owner-limit' }),
    ],
    evidence: bundleEvidence((name) => (name === 'manifest.json' ? undefined : 'ab'.repeat(32))),
    ...overrides,
  };
}

const resultOf = (doc: ReturnType<typeof buildAssessmentResults>) =>
  doc['assessment-results'].results[0];

describe('UUID v5', () => {
  it('matches the known answer for python.org in the DNS namespace', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });

  it('pins the namespace of every OSCAL identifier the product writes', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_URL, 'urn:soc2-evidence:oscal')
    expect(uuidV5('urn:soc2-evidence:oscal', URL_NAMESPACE)).toBe(
      'db55f247-66bb-5872-b8c3-a43d4c45542c',
    );
    expect(OSCAL_UUID_NAMESPACE).toBe('db55f247-66bb-5872-b8c3-a43d4c45542c');
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow('not a UUID');
  });
});

describe('OSCAL assessment results', () => {
  it('the tests validate against the official OSCAL 1.0.6 assessment-results schema', () => {
    const schema = oscalSchema();
    expect(schema.$id).toBe('http://csrc.nist.gov/ns/oscal/1.0.6/oscal-ar-schema.json');
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    // The validator is not vacuous: a document without results is refused.
    expect(oscalErrors({ 'assessment-results': { uuid: 'x' } })).not.toEqual([]);
  });

  it('is valid against the official schema', () => {
    expect(oscalErrors(buildAssessmentResults(input()))).toEqual([]);
  });

  it('is valid with no results and no findings (empty lists are left out)', () => {
    const doc = buildAssessmentResults(input({ results: [], findings: [] }));
    expect(oscalErrors(doc)).toEqual([]);
    expect(resultOf(doc)).not.toHaveProperty('observations');
    expect(resultOf(doc)).not.toHaveProperty('findings');
  });

  it('has one result for the period, reviewing the SOC 2 criteria the controls test', () => {
    const doc = buildAssessmentResults(input());
    expect(doc['assessment-results'].results).toHaveLength(1);
    const only = resultOf(doc);
    expect(only.start).toBe('2026-07-01T00:00:00.000Z');
    expect(only.end).toBe('2026-10-01T00:00:00.000Z');
    const reviewed = only['reviewed-controls']['control-selections'][0]['include-controls'];
    expect(reviewed.map((c) => c['control-id'])).toEqual(
      [...new Set(CONTROLS.flatMap((c) => c.criteria))].sort(),
    );
    expect(doc['assessment-results'].metadata['oscal-version']).toBe('1.0.6');
  });

  it('makes one TEST observation per result, with measured value, threshold, times and evidence', () => {
    const observations = resultOf(buildAssessmentResults(input())).observations!;
    expect(observations).toHaveLength(3);
    const failed = observations[1];
    expect(failed.methods).toEqual(['TEST']);
    expect(failed.collected).toBe('2026-08-01T04:00:00.000Z');
    expect(failed.expires).toBe('2026-08-02T04:00:00.000Z');
    expect(failed.props).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'control-id', value: 'mfa-privileged-members' }),
        expect.objectContaining({ name: 'criterion', value: 'CC6.1' }),
        expect.objectContaining({ name: 'result', value: 'fail' }),
        expect.objectContaining({ name: 'measured', value: '1' }),
        expect.objectContaining({ name: 'threshold', value: '0 privileged members without MFA' }),
      ]),
    );
    expect(failed.remarks).toBe('Offenders: admin-1');
    const evidence = failed['relevant-evidence']!;
    expect(evidence.map((e) => e.href)).toEqual(
      findControl('mfa-privileged-members')!.evidence.bundleFiles,
    );
    expect(evidence[0].props).toEqual([
      { name: 'sha256', ns: 'urn:soc2-evidence:oscal', value: 'ab'.repeat(32) },
    ]);
  });

  it('points each piece of evidence at a back-matter resource carrying its SHA-256', () => {
    const doc = buildAssessmentResults(input());
    const resources = doc['assessment-results']['back-matter'].resources;
    const evidence = resultOf(doc).observations![0]['relevant-evidence']![0];
    const target = resources.find((r) => `#${r.uuid}` === evidence.links[0].href)!;
    expect(target.rlinks![0]).toEqual({
      href: evidence.href,
      'media-type': expect.any(String),
      hashes: [{ algorithm: 'SHA-256', value: 'ab'.repeat(32) }],
    });
  });

  it('cites a file it cannot hash (the manifest) without a hash', () => {
    const doc = buildAssessmentResults(
      input({ results: [result('quarterly-evidence-bundle', '2026-07-01T04:00:00.000Z')] }),
    );
    const manifest = resultOf(doc).observations![0]['relevant-evidence']!.find(
      (e) => e.href === 'manifest.json',
    )!;
    expect(manifest).not.toHaveProperty('props');
    expect(oscalErrors(doc)).toEqual([]);
  });

  it('makes one finding per finding, and a risk only where the severity is high or critical', () => {
    const only = resultOf(buildAssessmentResults(input()));
    expect(only.findings!.map((f) => f.title)).toEqual(['Admin without MFA', 'Admin without MFA']);
    const [high, low] = only.findings!;
    expect(high.target).toMatchObject({
      type: 'objective-id',
      'target-id': 'mfa-privileged-members',
      status: { state: 'not-satisfied' },
    });
    expect(low.target.status.state).toBe('satisfied');
    expect(only.risks).toHaveLength(1);
    const [risk] = only.risks!;
    expect(high['related-risks']).toEqual([{ 'risk-uuid': risk.uuid }]);
    expect(low).not.toHaveProperty('related-risks');
    expect(risk).toMatchObject({ status: 'open', deadline: '2026-09-30T23:59:59Z' });
    const failedObservation = only.observations![1].uuid;
    expect(high['related-observations']).toEqual([{ 'observation-uuid': failedObservation }]);
    expect(risk['related-observations']).toEqual([{ 'observation-uuid': failedObservation }]);
  });

  it('reports a finding of a control the catalog no longer has, as a valid token', () => {
    const doc = buildAssessmentResults(
      input({ findings: [finding('f-old', { controlId: '2fa legacy' })] }),
    );
    expect(resultOf(doc).findings![0].target['target-id']).toBe('_2fa_legacy');
    expect(oscalErrors(doc)).toEqual([]);
  });

  it('a rebuild from the same evidence gives the same document; another period other UUIDs', () => {
    const first = buildAssessmentResults(input());
    expect(JSON.stringify(buildAssessmentResults(input()))).toBe(JSON.stringify(first));
    const q4 = buildAssessmentResults(
      input({ period: { start: PERIOD.end, end: new Date('2027-01-01T00:00:00.000Z') } }),
    );
    expect(q4['assessment-results'].uuid).not.toBe(first['assessment-results'].uuid);
    expect(resultOf(q4).findings![0].uuid).not.toBe(resultOf(first).findings![0].uuid);
    const other = buildAssessmentResults(input({ accountId: 'globex' }));
    expect(other['assessment-results'].uuid).not.toBe(first['assessment-results'].uuid);
  });

  it('leaves out a property whose value would be empty or padded, as OSCAL requires', () => {
    const doc = buildAssessmentResults(
      input({
        results: [result('owner-limit', '2026-07-01T04:00:00.000Z', { measured: null })],
        findings: [finding('f1', { remediationPlan: '  ' })],
      }),
    );
    const names = resultOf(doc).observations![0].props.map((p) => p.name);
    expect(names).not.toContain('measured');
    expect(resultOf(doc).findings![0].props.map((p) => p.name)).not.toContain('remediation-plan');
    expect(oscalErrors(doc)).toEqual([]);
  });
});

describe('results of stored days', () => {
  const day = (first: ControlTestResult, last: ControlTestResult): ControlDayDoc => ({
    controlId: first.controlId,
    day: first.evaluatedAt.slice(0, 10),
    first,
    last,
    statusesSeen: [first.status, last.status],
    evaluations: 2,
  });

  it('keeps the first and the last result of a day, once when they are the same', () => {
    const later = result('mfa-privileged-members', '2026-08-01T09:00:00.000Z');
    expect(resultsOfDays([day(failing, later), day(later, later)])).toEqual([
      failing,
      later,
      later,
    ]);
  });
});
