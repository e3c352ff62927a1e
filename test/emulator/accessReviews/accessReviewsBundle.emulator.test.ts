import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { archiveDepsFrom, archivePeriod } from '../../../functions/bundle/archive';
import { parseQuarter } from '../../../functions/bundle/period';
import { verifyBundle } from '../../../functions/bundle/verify';
import type { Manifest } from '../../../functions/schema/bundle';
import { writeDocs } from '../../../scripts/seed/builders';
import { signedOffCampaignDocs } from '../../support/accessReviewFixtures';
import { readZip, tempDir } from '../../support/bundleZip';
import { testDeps } from '../../support/deps';
import { readPdf } from '../../support/reportFixtures';
import { createAccount, db, uniqueAccountId } from '../../support/world';

/**
 * access-reviews.json in a real bundle (archivePeriod on the stack): every campaign active in the
 * period, and none other, with its entries, decisions, sign-off and follow-up; listed and hashed
 * in the manifest; the campaign also in report.pdf.
 */

jest.setTimeout(120_000);

const Q3 = parseQuarter('2026-Q3');

it('a bundle holds the campaigns active in its period with decisions and follow-up', async () => {
  const accountId = await createAccount(uniqueAccountId('ar-bundle'), {
    createdAt: new Date('2025-01-01T00:00:00Z'),
  });
  await writeDocs(db, [
    // Signed off before Q3 started: not active in Q3.
    ...signedOffCampaignDocs(accountId, 'q2-review', new Date('2026-05-01T00:00:00Z'), 'u1'),
    // Created in Q2, signed off in Q3: active.
    ...signedOffCampaignDocs(accountId, 'q2-q3-review', new Date('2026-06-28T00:00:00Z'), 'u2'),
    ...signedOffCampaignDocs(accountId, 'q3-review', new Date('2026-08-01T00:00:00Z'), 'u3'),
    // Created after Q3: not active.
    ...signedOffCampaignDocs(accountId, 'q4-review', new Date('2026-10-02T00:00:00Z'), 'u4'),
  ]);
  const deps = testDeps({ now: () => new Date('2026-10-02T02:00:00Z') });
  const outcome = await archivePeriod(archiveDepsFrom(deps), accountId, Q3);
  expect(outcome.status).toBe('archived');
  const dir = tempDir();
  const path = join(dir, 'bundle.zip');
  await pipeline(
    deps.evidenceStore().createReadStream(outcome.index.objectPath),
    createWriteStream(path),
  );
  const entries = new Map(await readZip(path));

  const exported = JSON.parse(entries.get('access-reviews.json')!.toString('utf8')) as {
    accessReviews: {
      id: string;
      signOff: { statement: string } | null;
      entries: {
        subjectId: string;
        decision: { decision: string; justification: string };
        history: unknown[];
        followUp: { state: string; remediatedAt: string };
      }[];
    }[];
  };
  expect(exported.accessReviews.map((r) => r.id)).toEqual(['q2-q3-review', 'q3-review']);
  expect(exported.accessReviews[1]).toMatchObject({
    signOff: { statement: 'Reviewed.' },
    entries: [
      {
        subjectId: 'u3',
        decision: { decision: 'revoke', justification: 'Left the company.' },
        history: [expect.anything()],
        followUp: { state: 'remediated', remediatedAt: '2026-08-07T00:00:00.000Z' },
      },
    ],
  });

  const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Manifest;
  expect(manifest.files.map((f) => f.name)).toContain('access-reviews.json');
  const publicKeyPem = await deps.signer().publicKeyPem();
  const verified = await verifyBundle(path, { publicKeyPem });
  expect(verified.checks.filter((c) => !c.ok)).toEqual([]);

  const pdf = readPdf(entries.get('report.pdf')!, dir);
  expect(pdf.text).toContain('Review q3-review');
});
