import type { Deps } from '../app/deps';
import { addDays, startOfUtcDay, utcDay } from '../domain/time';
import {
  controlDayDocSchema,
  findingDocSchema,
  incidentDocSchema,
  type Control,
} from '../schema/compliance';
import { CONTROLS } from './controlCatalog';
import { controlDaysQuery } from './controlHistory';
import { findingView, incidentView, listParsed } from './records';

/**
 * What a quarterly bundle carries about controls (issue 7 part 4), for the bundle builder to write
 * as one JSON file: the daily control results of the period, and the findings and incidents that
 * were open at some point in it. Malformed documents are listed, not dropped.
 *
 * @param periodEnd exclusive, like the bundle's period
 * @param controls given, only these controls' results and findings (the evidence export by
 *   criteria); a bundle takes every control and every finding.
 */
export async function exportComplianceForPeriod(
  deps: Pick<Deps, 'db'>,
  accountId: string,
  periodStart: Date,
  periodEnd: Date,
  controls?: readonly Control[],
) {
  // Every day that overlaps [periodStart, periodEnd): a period ending at 15:00 keeps that day.
  const firstDay = utcDay(periodStart);
  const endDay = utcDay(addDays(startOfUtcDay(new Date(periodEnd.getTime() - 1)), 1));
  const overlaps = (openedAt: Date, resolved: boolean, lastChangeAt: Date) =>
    openedAt < periodEnd && (!resolved || lastChangeAt >= periodStart);
  const [days, findings, incidents] = await Promise.all([
    Promise.all(
      (controls ?? CONTROLS).map(async (control) => {
        const snapshot = await controlDaysQuery(
          deps,
          accountId,
          control.id,
          firstDay,
          endDay,
        ).get();
        return snapshot.docs.map((doc) => controlDayDocSchema.safeParse(doc.data()));
      }),
    ),
    listParsed(deps, accountId, 'findings', findingDocSchema),
    listParsed(deps, accountId, 'incidents', incidentDocSchema),
  ]);
  const parsedDays = days.flat();
  const selected = controls && new Set(controls.map((c) => c.id));
  return {
    periodStart: periodStart.toISOString(),
    periodEnd: periodEnd.toISOString(),
    controlResults: parsedDays.flatMap((d) => (d.success ? [d.data] : [])),
    malformedControlResults: parsedDays.filter((d) => !d.success).length,
    findings: findings.docs
      .filter(({ value: f }) => !selected || selected.has(f.controlId))
      .filter(({ value: f }) =>
        overlaps(
          f.createdAt,
          f.status === 'remediated' || f.status === 'risk_accepted',
          f.updatedAt,
        ),
      )
      .map((d) => findingView(d.id, d.value)),
    incidents: incidents.docs
      .filter(({ value: i }) => overlaps(i.detectedAt, i.phase === 'closed', i.updatedAt))
      .map((d) => incidentView(d.id, d.value, periodEnd)),
    malformed: { findings: findings.malformed, incidents: incidents.malformed },
  };
}

/** compliance.json of a bundle: what exportComplianceForPeriod returns, written as it is. */
export type ComplianceExport = Awaited<ReturnType<typeof exportComplianceForPeriod>>;
