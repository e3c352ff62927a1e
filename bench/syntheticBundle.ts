import type { ManifestSigner } from '../functions/adapters/signer';
import type { StreamedAuditEvent } from '../functions/audit/events';
import { buildBundle } from '../functions/bundle/builder';
import { parseQuarter } from '../functions/bundle/period';
import { levelOf, permissionsOf } from '../functions/domain/roles';
import { SECTIONS } from '../functions/report/registry';
import type { EvidenceReport } from '../functions/schema/evidence';
import { REPORT_VERSION, SECTION_SLUGS, type SectionKey } from '../functions/schema/report';

/**
 * Synthetic bundles for the benchmarks: real builder, Merkle accumulation, zip, report.pdf
 * rendering and signing; the events (in the order Firestore would yield them) and the report
 * (every section's empty data plus MEMBERS members) are generated.
 */

export const PERIOD = parseQuarter('2026-Q3');
const ACTIONS = [
  'recipe.execute',
  'workflow.execute',
  'auth.login',
  'role.assign',
  'apikey.create',
];

/** Evenly spread over the quarter, in (timestamp, id) order like the Firestore query. */
export function syntheticEvent(i: number, count: number): StreamedAuditEvent {
  const span = PERIOD.end.getTime() - PERIOD.start.getTime();
  return {
    id: `e${String(i).padStart(8, '0')}`,
    event: {
      timestamp: new Date(PERIOD.start.getTime() + Math.floor((i * span) / count)),
      actorId: `user-${i % MEMBERS}`,
      actorEmail: `user-${i % MEMBERS}@example.com`,
      actorIp: `10.0.${(i >> 8) % 256}.${i % 256}`,
      action: ACTIONS[i % ACTIONS.length],
      resourceType: 'recipe',
      resourceId: `r${i % 1000}`,
      resourceName: `Recipe ${i % 1000}`,
      result: i % 50 === 0 ? 'denied' : 'success',
      details: { description: 'synthetic benchmark event' },
    },
  };
}

/** Members in the synthetic report (the event actors): the size of report.pdf's largest table. */
export const MEMBERS = 250;

/** Every section's safe data, with MEMBERS members in the access review: what report.pdf renders. */
function syntheticReport(accountId: string): EvidenceReport {
  const sections = Object.fromEntries(
    (Object.values(SECTION_SLUGS) as SectionKey[]).map((key) => [
      key,
      {
        status: 'ok',
        generatedAt: PERIOD.end.toISOString(),
        data: SECTIONS[key].empty(PERIOD.end),
      },
    ]),
  ) as EvidenceReport['sections'];
  sections.accessReview!.data.members = Array.from({ length: MEMBERS }, (_, i) => ({
    uid: `user-${i}`,
    email: `user-${i}@example.com`,
    displayName: `User ${i}`,
    role: 'member' as const,
    level: levelOf('member'),
    departments: [],
    permissions: [...permissionsOf('member')],
    resourceAccess: { recipes: 0, workflows: 0 },
    lastActiveAt: null,
    membershipDisabled: false,
    identity: null,
    flags: [],
  }));
  return {
    version: REPORT_VERSION,
    accountId,
    generatedAt: PERIOD.end.toISOString(),
    complete: true,
    sections,
  };
}

export async function* synthetic(count: number): AsyncGenerator<StreamedAuditEvent> {
  for (let i = 0; i < count; i++) yield syntheticEvent(i, count);
}

/** A bundle of PERIOD for `accountId` around `events`; the other files are kilobytes, report.pdf
 * renders MEMBERS members. */
export function syntheticBundle(input: {
  accountId: string;
  events: AsyncIterable<StreamedAuditEvent>;
  signer: ManifestSigner;
}) {
  return buildBundle({
    accountId: input.accountId,
    period: PERIOD,
    generatedAt: new Date(),
    previousManifestSha256: null,
    files: [
      { name: 'report.json', content: Buffer.from(JSON.stringify({ accountId: input.accountId })) },
    ],
    report: syntheticReport(input.accountId),
    compliance: {
      periodStart: PERIOD.start.toISOString(),
      periodEnd: PERIOD.end.toISOString(),
      controlResults: [],
      malformedControlResults: 0,
      findings: [],
      incidents: [],
      malformed: { findings: [], incidents: [] },
    },
    events: input.events,
    signer: input.signer,
  });
}
