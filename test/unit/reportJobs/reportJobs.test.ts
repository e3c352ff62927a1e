import { CONTROLS } from '../../../functions/compliance/controlCatalog';
import { REPORT_QUEUE } from '../../../functions/config';
import { reportJobId, reportTaskId } from '../../../functions/reportJobs/jobs';
import { incidentReport, slaCompliance } from '../../../functions/reportJobs/render';
import { createReportBodySchema } from '../../../functions/schema/reportJobs';
import type { ComplianceExport } from '../../../functions/compliance/export';

type Incident = ComplianceExport['incidents'][number];

const incident = (id: string, severity: 'P1' | 'P2', state: 'met' | 'breached' | 'pending') =>
  ({
    id,
    title: `=HYPERLINK("x") ${id}`,
    severity,
    phase: 'closed',
    detectedAt: '2026-08-01T00:00:00.000Z',
    responseSla: {
      responseSlaMinutes: severity === 'P1' ? 15 : 60,
      deadline: '2026-08-01T01:00:00.000Z',
      firstResponseAt: state === 'met' ? '2026-08-01T00:10:00.000Z' : null,
      minutesToFirstResponse: state === 'met' ? 10 : null,
      state,
      breached: state === 'breached',
    },
  }) as unknown as Incident;

const META = {
  accountId: 'acme',
  periodId: '2026-Q3',
  periodStart: new Date('2026-07-01T00:00:00Z'),
  periodEnd: new Date('2026-10-01T00:00:00Z'),
  generatedAt: new Date('2026-12-01T00:00:00Z'),
};

describe('incident report', () => {
  it('counts SLA compliance over decided incidents only, overall and per severity', () => {
    const figures = slaCompliance([
      incident('a', 'P1', 'met'),
      incident('b', 'P1', 'breached'),
      incident('c', 'P2', 'met'),
      incident('d', 'P2', 'pending'),
    ]);
    expect(figures).toMatchObject({ total: 4, met: 2, breached: 1, pending: 1, metPercent: 66.7 });
    expect(figures.bySeverity).toMatchObject({
      P1: { total: 2, met: 1, breached: 1, metPercent: 50 },
      P2: { total: 2, met: 1, pending: 1, metPercent: 100 },
      P3: { total: 0, metPercent: null },
    });
  });

  it('CSV cells cannot run as formulas, and malformed incidents get their own table', () => {
    const csv = incidentReport(
      {
        incidents: [incident('a', 'P1', 'met')],
        malformed: { findings: [], incidents: [{ id: 'bad', problem: 'severity: required' }] },
      },
      META,
      'csv',
    );
    const lines = csv.split('\r\n');
    expect(lines[1]).toMatch(/^a,"'=HYPERLINK\(""x""\) a",P1,/);
    expect(lines.slice(3, 5)).toEqual(['malformedIncidentId,problem', 'bad,severity: required']);
  });
});

describe('report job ids', () => {
  it('one job per type, format and period; soc2 is named by its period alone', () => {
    expect(reportJobId('soc2', 'zip', '2026-Q3')).toBe('soc2-2026-Q3');
    expect(reportJobId('incident', 'csv', '2026-Q3')).toBe('incident-csv-2026-Q3');
    expect(reportJobId('incident', 'json', '2026-Q3')).not.toBe(
      reportJobId('incident', 'csv', '2026-Q3'),
    );
  });

  it('each queuing of a job has its own Cloud Tasks id, in the characters Cloud Tasks allows', () => {
    const first = reportTaskId({ accountId: 'acme', jobId: 'soc2-2026-Q3', generation: 1 });
    const second = reportTaskId({ accountId: 'acme', jobId: 'soc2-2026-Q3', generation: 2 });
    expect(first).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(second).not.toBe(first);
    expect(reportTaskId({ accountId: 'other', jobId: 'soc2-2026-Q3', generation: 1 })).not.toBe(
      first,
    );
  });

  it('the queue the API enqueues to is the task function functions/index.ts exports', async () => {
    const entry = (await import('../../../functions/index')) as Record<string, unknown>;
    expect(entry[REPORT_QUEUE.functionName]).toBeDefined();
  });
});

describe('POST /api/compliance/reports body', () => {
  const criteria = [...new Set(CONTROLS.flatMap((c) => c.criteria))];
  const schema = createReportBodySchema(criteria);
  const base = {
    accountId: 'acme',
    periodStart: '2026-07-01T00:00:00Z',
    periodEnd: '2026-10-01T00:00:00Z',
  };
  const issues = (body: unknown) => {
    const result = schema.safeParse(body);
    return result.success
      ? []
      : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes json, csv and pdf for access reviews and incidents, and no format for the bundle', () => {
    expect(issues({ ...base, reportType: 'access_review', format: 'csv' })).toEqual([]);
    expect(issues({ ...base, reportType: 'access_review', format: 'pdf' })).toEqual([]);
    expect(issues({ ...base, reportType: 'incident', format: 'pdf' })).toEqual([]);
    expect(issues({ ...base, reportType: 'incident' })).toEqual([]);
    expect(issues({ ...base, reportType: 'soc2', criteria: ['CC6.1'] })).toEqual([]);
    expect(issues({ ...base, reportType: 'soc2', format: 'pdf' })).toEqual([
      'format: soc2 reports are the signed evidence bundle (zip); omit format',
    ]);
  });

  it('an unknown criterion is named with the valid ones', () => {
    expect(issues({ ...base, reportType: 'incident', criteria: ['CC6.1', 'CC9.9'] })).toEqual([
      `criteria.1: unknown criterion "CC9.9"; valid criteria: ${criteria.join(', ')}`,
    ]);
  });
});
