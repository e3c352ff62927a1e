import {
  EXPORT_CRITERIA,
  evidenceExportCsv,
  evidenceExportOscal,
  type EvidenceExport,
} from '../../../functions/compliance/evidenceExport';
import { CONTROLS, findControl } from '../../../functions/compliance/controlCatalog';
import { parseInput } from '../../../functions/schema/common';
import {
  evidenceExportQuerySchema,
  type ControlTestResult,
} from '../../../functions/schema/compliance';
import { evidenceQuerySchema } from '../../../functions/schema/api';
import { evidenceRequestSchema } from '../../../functions/schema/evidence';
import { oscalErrors } from '../../support/oscalSchema';
import { rejection } from '../../support/inputRejection';

const schema = evidenceExportQuerySchema(EXPORT_CRITERIA);
const query = {
  accountId: 'acme',
  criteria: 'CC6.1,CC7.2',
  periodStart: '2026-07-01T00:00:00Z',
  periodEnd: '2026-10-01T00:00:00Z',
};

describe('evidence export query', () => {
  it('the valid criteria are those the control catalog maps', () => {
    expect(EXPORT_CRITERIA).toEqual([...new Set(CONTROLS.flatMap((c) => c.criteria))].sort());
    expect(EXPORT_CRITERIA).toEqual(expect.arrayContaining(['CC6.1', 'CC7.2']));
  });

  it('splits the criteria, drops repeats and defaults to json', () => {
    expect(parseInput(schema, { ...query, criteria: 'CC6.1, CC7.2,CC6.1' })).toEqual({
      ...query,
      criteria: ['CC6.1', 'CC7.2'],
      format: 'json',
    });
  });

  it('refuses unknown criteria naming the valid ones', () => {
    const error = rejection(schema, { ...query, criteria: 'CC6.1,CC9.9,XX' });
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      `criteria: unknown criteria CC9.9, XX; valid criteria: ${EXPORT_CRITERIA.join(', ')}`,
    );
    expect(rejection(schema, { ...query, criteria: ' , ' }).message).toBe(
      `criteria: no criteria given; valid criteria: ${EXPORT_CRITERIA.join(', ')}`,
    );
  });

  it('accepts pdf, refuses an unknown format naming the valid ones, and malformed dates', () => {
    expect(parseInput(schema, { ...query, format: 'pdf' }).format).toBe('pdf');
    expect(rejection(schema, { ...query, format: 'docx' }).message).toBe(
      'format: format must be one of json, csv, pdf, oscal',
    );
    expect(rejection(schema, { ...query, periodStart: 'yesterday' }).message).toBe(
      'periodStart: periodStart must be an ISO-8601 date-time',
    );
  });
});

describe('format=oscal on the live report', () => {
  it('is accepted for the whole report and refused with a section', () => {
    expect(parseInput(evidenceQuerySchema, { accountId: 'acme', format: 'oscal' })).toEqual({
      accountId: 'acme',
      format: 'oscal',
    });
    expect(
      rejection(evidenceRequestSchema, {
        accountId: 'acme',
        format: 'oscal',
        section: 'access-review',
      }).message,
    ).toBe('section: format=oscal covers the whole report; omit section');
  });
});

describe('the export as CSV and OSCAL', () => {
  const mfa = findControl('mfa-privileged-members')!;
  const result = (evaluatedAt: string, status: ControlTestResult['status']) => ({
    controlId: mfa.id,
    status,
    measured: status === 'fail' ? 1 : 0,
    threshold: mfa.test.threshold,
    detail: `=cmd|' /C calc'!A0 ${status}`,
    offenders: [],
    evidence: [],
    evaluatedAt,
  });
  const exported: EvidenceExport = {
    accountId: 'acme',
    criteria: ['CC6.1'],
    generatedAt: '2026-10-02T00:00:00.000Z',
    controls: [mfa],
    periodStart: '2026-07-01T00:00:00.000Z',
    periodEnd: '2026-10-01T00:00:00.000Z',
    controlResults: [
      {
        controlId: mfa.id,
        day: '2026-07-01',
        first: result('2026-07-01T04:00:00.000Z', 'fail'),
        last: result('2026-07-01T09:00:00.000Z', 'pass'),
        statusesSeen: ['fail', 'pass'],
        evaluations: 2,
      },
    ],
    malformedControlResults: 1,
    findings: [],
    incidents: [],
    malformed: { findings: [], incidents: [] },
    accessReviews: null,
    evidenceItems: { items: [], malformed: [] },
    report: { generatedAt: '2026-10-02T00:00:00.000Z', complete: true, sections: {} },
  };

  it('writes one CSV row per control and day, formula-safe', () => {
    const lines = evidenceExportCsv(exported).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'day,controlId,controlName,criteria,status,statusesSeen,evaluations,measured,threshold,detail,firstEvaluatedAt,lastEvaluatedAt',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(
      '2026-07-01,mfa-privileged-members,MFA for privileged members,CC6.1,pass,fail; pass,2,0,',
    );
    expect(lines[1]).toContain(",'=cmd|' /C calc'!A0 pass,");
  });

  it('is valid OSCAL with an observation per result and the malformed ones remarked', () => {
    const doc = evidenceExportOscal(exported);
    expect(oscalErrors(doc)).toEqual([]);
    const [only] = doc['assessment-results'].results;
    expect(only.observations).toHaveLength(2);
    expect(only.remarks).toBe('1 stored results were malformed and are not observed here.');
    expect(only['reviewed-controls']['control-selections'][0]['include-controls']).toEqual([
      { 'control-id': 'CC6.1' },
    ]);
  });
});
