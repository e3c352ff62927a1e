/**
 * The archive index past one document's 1 MiB: a bundle index with 50,000 members is written as
 * an index document plus state chunks, and read back whole.
 */
import {
  createArchiveIndex,
  latestArchive,
  listArchiveIndex,
  readArchiveIndex,
} from '../../../functions/bundle/archiveIndex';
import type { ArchiveIndex } from '../../../functions/schema/bundle';
import { subcollectionPath } from '../../../functions/schema/paths';
import { db, uniqueAccountId } from '../../support/world';

const HASH = 'a'.repeat(64);

function indexWith(members: number): ArchiveIndex {
  return {
    status: 'complete',
    periodId: '2026-Q3',
    periodStart: new Date('2026-07-01T00:00:00Z'),
    periodEnd: new Date('2026-10-01T00:00:00Z'),
    createdAt: new Date('2026-10-01T02:00:00Z'),
    bucket: 'bucket',
    objectPath: 'evidence-bundles/x/2026-Q3.zip',
    sha256: HASH,
    size: 1234,
    manifestSha256: HASH,
    previousManifestSha256: null,
    keyId: 'key-1',
    eventCount: 10,
    malformedEventCount: 0,
    merkleRoot: HASH,
    sectionStatuses: { accessReview: 'ok' },
    state: {
      members: Object.fromEntries(
        Array.from({ length: members }, (_, i) => [
          `uid-${String(i).padStart(6, '0')}-pad`,
          'member',
        ]),
      ),
      apiKeys: { k1: { provider: 'openai', status: 'active' } },
      settingsSha256: HASH,
      catalogs: { 'vendors.json': HASH },
    },
  };
}

describe('archive index', () => {
  it('stores and reads back the state of 50,000 members, no document near 1 MiB', async () => {
    const accountId = uniqueAccountId('arch-index-large');
    const index = indexWith(50_000);
    await createArchiveIndex(db, accountId, '2026-Q3', index);

    const read = await readArchiveIndex(db, accountId, '2026-Q3');
    expect(read).toEqual({ status: 'ok', archiveId: '2026-Q3', index });
    expect(await latestArchive(db, accountId)).toEqual(read);
    const listed = await listArchiveIndex(db, accountId);
    expect(listed.malformed).toEqual([]);
    expect(listed.docs.map((d) => [d.id, d.value.sha256])).toEqual([['2026-Q3', HASH]]);

    const head = db.doc(`${subcollectionPath(accountId, 'evidenceArchives')}/2026-Q3`);
    const chunks = await head.collection('stateChunks').get();
    expect(chunks.size).toBeGreaterThan(1);
    for (const doc of [await head.get(), ...chunks.docs]) {
      expect(Buffer.byteLength(JSON.stringify(doc.data()))).toBeLessThan(512 * 1024);
    }
  });

  it('keeps an unknown member list unknown, and reports a lost chunk as malformed', async () => {
    const accountId = uniqueAccountId('arch-index-parts');
    const unknown = indexWith(0);
    unknown.state.members = null;
    await createArchiveIndex(db, accountId, 'unknown', unknown);
    expect(await readArchiveIndex(db, accountId, 'unknown')).toMatchObject({
      status: 'ok',
      index: { state: { members: null, apiKeys: unknown.state.apiKeys } },
    });

    await createArchiveIndex(db, accountId, 'lost', indexWith(3));
    await db
      .doc(`${subcollectionPath(accountId, 'evidenceArchives')}/lost/stateChunks/0000`)
      .delete();
    expect(await readArchiveIndex(db, accountId, 'lost')).toMatchObject({
      status: 'malformed',
      problem: 'state chunk 0000 is missing',
    });
  });
});
