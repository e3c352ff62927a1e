import { assessResponseSla, type SeveritySla } from '../../../functions/compliance/incidents';
import { MINUTE_MS } from '../../../functions/domain/time';
import type { IncidentDoc } from '../../../functions/schema/compliance';

const TABLE: SeveritySla[] = [
  { severity: 'P1', responseSlaMinutes: 15 },
  { severity: 'P2', responseSlaMinutes: 60 },
  { severity: 'P3', responseSlaMinutes: 240 },
  { severity: 'P4', responseSlaMinutes: 1440 },
];
const DETECTED = new Date('2026-11-15T10:00:00Z');
const at = (minutes: number) => new Date(DETECTED.getTime() + minutes * MINUTE_MS);

function incident(
  severity: IncidentDoc['severity'],
  timeline: { minutes: number; kind: 'response' | 'update' | 'note' }[],
): Pick<IncidentDoc, 'severity' | 'detectedAt' | 'timeline'> {
  return {
    severity,
    detectedAt: DETECTED,
    timeline: timeline.map((e) => ({
      at: at(e.minutes),
      by: 'sre',
      kind: e.kind,
      description: 'x',
    })),
  };
}

describe('incident response SLA', () => {
  it('a P1 answered within 15 minutes meets its SLA', () => {
    const sla = assessResponseSla(
      incident('P1', [{ minutes: 15, kind: 'response' }]),
      TABLE,
      at(500),
    );
    expect(sla).toEqual({
      responseSlaMinutes: 15,
      deadline: at(15).toISOString(),
      firstResponseAt: at(15).toISOString(),
      minutesToFirstResponse: 15,
      state: 'met',
      breached: false,
    });
  });

  it('a P1 answered after 16 minutes is breached', () => {
    const sla = assessResponseSla(
      incident('P1', [{ minutes: 16, kind: 'response' }]),
      TABLE,
      at(16),
    );
    expect(sla).toMatchObject({ state: 'breached', breached: true, minutesToFirstResponse: 16 });
  });

  it('without a response the SLA is pending until the deadline and breached after it', () => {
    const open = incident('P2', [{ minutes: 5, kind: 'note' }]);
    expect(assessResponseSla(open, TABLE, at(60)).state).toBe('pending');
    expect(assessResponseSla(open, TABLE, at(61))).toMatchObject({
      state: 'breached',
      firstResponseAt: null,
      minutesToFirstResponse: null,
    });
  });

  it('the earliest response counts even when entries arrive out of order', () => {
    const sla = assessResponseSla(
      incident('P3', [
        { minutes: 300, kind: 'response' },
        { minutes: 200, kind: 'response' },
      ]),
      TABLE,
      at(1000),
    );
    expect(sla).toMatchObject({ state: 'met', minutesToFirstResponse: 200 });
  });

  it.each([
    ['P1', 15],
    ['P2', 60],
    ['P3', 240],
    ['P4', 1440],
  ] as const)('%s uses the %i-minute SLA from the severity table', (severity, minutes) => {
    const late = assessResponseSla(
      incident(severity, [{ minutes: minutes + 1, kind: 'response' }]),
      TABLE,
      at(9999),
    );
    const onTime = assessResponseSla(
      incident(severity, [{ minutes, kind: 'response' }]),
      TABLE,
      at(9999),
    );
    expect([onTime.state, late.state]).toEqual(['met', 'breached']);
  });
});
