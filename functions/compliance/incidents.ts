import { MINUTE_MS } from '../domain/time';
import type { Severity } from '../schema/catalogs';
import type { IncidentDoc } from '../schema/compliance';

/**
 * Incident response SLA (CC7.3/CC7.4): the first `response` timeline entry measured against the
 * severity table of the incident runbook (functions/catalogs). Pure: the clock comes in.
 */

export interface SeveritySla {
  severity: Severity;
  /** Minutes from detection to first response. */
  responseSlaMinutes: number;
}

export type SlaState = 'met' | 'breached' | 'pending';

export interface ResponseSlaAssessment {
  responseSlaMinutes: number;
  /** detectedAt + SLA (ISO). */
  deadline: string;
  firstResponseAt: string | null;
  /** Whole minutes from detection to the first response; null while none. */
  minutesToFirstResponse: number | null;
  /** `breached` once the deadline passed without a response, or the response came late. */
  state: SlaState;
  breached: boolean;
}

export function assessResponseSla(
  incident: Pick<IncidentDoc, 'severity' | 'detectedAt' | 'timeline'>,
  severities: readonly SeveritySla[],
  now: Date,
): ResponseSlaAssessment {
  const sla = severities.find((s) => s.severity === incident.severity);
  if (!sla) throw new Error(`no response SLA for severity ${incident.severity}`);
  const deadline = incident.detectedAt.getTime() + sla.responseSlaMinutes * MINUTE_MS;
  // Entries are kept as given (a late entry may be back-dated), so the earliest counts, not the first.
  const firstResponse = incident.timeline
    .filter((e) => e.kind === 'response')
    .map((e) => e.at.getTime())
    .reduce<number | null>((min, t) => (min === null || t < min ? t : min), null);
  const state: SlaState =
    firstResponse !== null
      ? firstResponse <= deadline
        ? 'met'
        : 'breached'
      : now.getTime() > deadline
        ? 'breached'
        : 'pending';
  return {
    responseSlaMinutes: sla.responseSlaMinutes,
    deadline: new Date(deadline).toISOString(),
    firstResponseAt: firstResponse === null ? null : new Date(firstResponse).toISOString(),
    minutesToFirstResponse:
      firstResponse === null
        ? null
        : Math.floor((firstResponse - incident.detectedAt.getTime()) / MINUTE_MS),
    state,
    breached: state === 'breached',
  };
}
