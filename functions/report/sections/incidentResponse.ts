import type { IncidentRunbook } from '../../schema/catalogs';
import type { IncidentResponse } from '../../schema/evidence';

/** The incident-response runbook as published: severities with SLAs and the six procedures. */
export function computeIncidentResponse(runbook: IncidentRunbook): IncidentResponse {
  return {
    severities: [...runbook.severities],
    procedures: [...runbook.procedures],
  };
}

export const emptyIncidentResponse = (): IncidentResponse => ({ severities: [], procedures: [] });
