import { quarterContaining } from '../domain/quarter';
import { utcDay } from '../domain/time';
import {
  CRITERION_GROUPS,
  criterionGroupOf,
  UNRESOLVED_FINDING_STATUSES,
  type ControlTestResult,
  type ControlTestStatus,
  type CriterionGroup,
  type FindingStatus,
} from '../schema/compliance';
import { CONTROLS } from './controlCatalog';

/**
 * The compliance status endpoint's numbers, computed from exactly the results the controls
 * endpoint returns (one evaluation feeds both), so the two never disagree.
 */

export type OverallStatus = 'pass' | 'fail' | 'inconclusive';

export interface GroupStatus {
  status: OverallStatus | 'no_controls';
  /** Controls mapped to a criterion of this group; a control can serve several groups. */
  controlsTotal: number;
  controlsPassed: number;
  controlsFailed: number;
  controlsNotApplicable: number;
  controlsInconclusive: number;
  /** Findings (open or in progress) on this group's controls. */
  openFindings: number;
  criteria: string[];
}

const groupsOf = (controlId: string): Set<CriterionGroup> =>
  new Set(CONTROLS.find((c) => c.id === controlId)?.criteria.map(criterionGroupOf) ?? []);

/** Any failure fails; otherwise any inconclusive result leaves the verdict open. */
function verdict(statuses: readonly ControlTestStatus[]): OverallStatus {
  if (statuses.includes('fail')) return 'fail';
  return statuses.includes('inconclusive') ? 'inconclusive' : 'pass';
}

const count = (statuses: readonly ControlTestStatus[], status: ControlTestStatus) =>
  statuses.filter((s) => s === status).length;

export function complianceStatus(input: {
  results: readonly ControlTestResult[];
  findings: readonly { controlId: string; status: FindingStatus }[];
  lastBundleAt: Date | null;
  now: Date;
}) {
  const unresolved = input.findings.filter((f) => UNRESOLVED_FINDING_STATUSES.includes(f.status));
  const groups = Object.fromEntries(
    CRITERION_GROUPS.map((group): [CriterionGroup, GroupStatus] => {
      const results = input.results.filter((r) => groupsOf(r.controlId).has(group));
      const statuses = results.map((r) => r.status);
      const criteria = [
        ...new Set(
          CONTROLS.flatMap((c) => c.criteria).filter((id) => criterionGroupOf(id) === group),
        ),
      ].sort();
      return [
        group,
        {
          status: results.length === 0 ? 'no_controls' : verdict(statuses),
          controlsTotal: results.length,
          controlsPassed: count(statuses, 'pass'),
          controlsFailed: count(statuses, 'fail'),
          controlsNotApplicable: count(statuses, 'not_applicable'),
          controlsInconclusive: count(statuses, 'inconclusive'),
          openFindings: unresolved.filter((f) => groupsOf(f.controlId).has(group)).length,
          criteria,
        },
      ];
    }),
  ) as Record<CriterionGroup, GroupStatus>;
  const statuses = input.results.map((r) => r.status);
  return {
    overall: verdict(statuses),
    evaluatedAt: input.now.toISOString(),
    controlsTotal: input.results.length,
    controlsPassed: count(statuses, 'pass'),
    openFindings: unresolved.length,
    groups,
    lastBundleDate: input.lastBundleAt?.toISOString() ?? null,
    /** The scheduled job archives the quarter that ended on this day (UTC). */
    nextBundleDate: utcDay(quarterContaining(input.now).end),
  };
}
