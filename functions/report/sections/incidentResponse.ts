import type { BusinessContinuity, IncidentRunbook } from '../../schema/catalogs';
import type { IncidentResponse } from '../../schema/evidence';

/**
 * The incident-response runbook as published: severities with SLAs and the six procedures, and
 * the business continuity around them: recovery objectives against their measured values, and
 * the backups recovery depends on.
 */
export function computeIncidentResponse(
  runbook: IncidentRunbook,
  continuity: BusinessContinuity,
): IncidentResponse {
  return {
    severities: [...runbook.severities],
    procedures: [...runbook.procedures],
    continuityTargets: continuity.targets.map((t) => ({ ...t, met: t.current <= t.target })),
    backupStrategy: [...continuity.backups],
  };
}

export const emptyIncidentResponse = (): IncidentResponse => ({
  severities: [],
  procedures: [],
  continuityTargets: [],
  backupStrategy: [],
});
