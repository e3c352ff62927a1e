import type { ManifestSigner } from '../functions/adapters/signer';
import type { StreamedAuditEvent } from '../functions/audit/events';
import { buildBundle } from '../functions/bundle/builder';
import { parseQuarter } from '../functions/bundle/period';

/**
 * Synthetic bundles for the benchmarks: real builder, Merkle accumulation, zip and signing; only
 * the events are generated (in the order Firestore would yield them).
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
      actorId: `user-${i % 250}`,
      actorEmail: `user-${i % 250}@example.com`,
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

export async function* synthetic(count: number): AsyncGenerator<StreamedAuditEvent> {
  for (let i = 0; i < count; i++) yield syntheticEvent(i, count);
}

/** A bundle of PERIOD for `accountId` around `events`; the other files are kilobytes. */
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
