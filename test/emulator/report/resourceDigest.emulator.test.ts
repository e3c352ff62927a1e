import { buildReport, type ReportStats } from '../../../functions/report/buildReport';
import {
  MAX_DIGEST_SHARD_BYTES,
  readResourceDigest,
  refreshDigestedResource,
  repairResourceDigest,
} from '../../../functions/report/resourceDigest';
import { accountDocPath, subcollectionPath } from '../../../functions/schema/paths';
import { departmentDoc, memberDoc, resourceDoc, writeDocs } from '../../../scripts/seed/builders';
import { testDeps } from '../../support/deps';
import { eventually } from '../../support/eventually';
import { createAccount, db, uniqueAccountId } from '../../support/world';

/**
 * The resource digest (report/resourceDigest.ts) against the Firestore emulator and the deployed
 * `resourceDigest` trigger: it follows resource writes, a report read from it equals a report
 * read from every resource, and whenever it cannot stand in (resources it never saw, a shard
 * too large) the report reads the resources and stays exact.
 */

jest.setTimeout(300_000);

/** Every resource write runs the trigger (and the cache triggers) through the Functions emulator. */
const TRIGGERS_SETTLE = { timeoutMs: 150_000 };

async function accessReviewOf(accountId: string) {
  const stats: ReportStats = { documentsRead: 0 };
  // What is read is under test here, not how fast: a loaded machine must not degrade the section.
  const report = await buildReport(testDeps(), accountId, {
    sections: ['access-review'],
    sectionTimeoutMs: 120_000,
    stats,
  });
  const section = report.sections.accessReview!;
  // Degraded only by the malformed documents the test wrote, never by a failed read.
  expect([undefined, 'malformed_documents']).toContain(section.error?.code);
  return { data: section.data, reads: stats.readsBySource ?? {} };
}

/** Resources counted per member, and the malformed documents, as the report shows them. */
const accessCounts = (data: Awaited<ReturnType<typeof accessReviewOf>>['data']) => ({
  members: data.members.map((m) => [m.uid, m.resourceAccess]),
  malformed: data.malformedDocuments,
});

const digestUsable = async (accountId: string) =>
  (await readResourceDigest(db, accountId)).usable || undefined;

const deleteDigest = async (accountId: string) => {
  const shards = await db.collection(subcollectionPath(accountId, 'resourceDigest')).get();
  await Promise.all(shards.docs.map((doc) => doc.ref.delete()));
};

/** Ten members in two departments, and resources granted to members and departments. */
async function seedAccount(prefix: string) {
  const accountId = await createAccount(uniqueAccountId(prefix));
  const members = Array.from({ length: 10 }, (_, n) =>
    memberDoc(accountId, `u${n}`, { departments: [n % 2 ? 'ops' : 'eng'] }),
  );
  const resources = Array.from({ length: 24 }, (_, n) =>
    resourceDoc(accountId, `r${String(n).padStart(2, '0')}`, {
      type: n % 3 ? 'recipe' : 'workflow',
      memberIds: [`u${n % 10}`],
      departmentIds: n % 4 ? [] : ['ops'],
    }),
  );
  await writeDocs(db, [
    departmentDoc(accountId, 'eng'),
    departmentDoc(accountId, 'ops'),
    ...members,
    ...resources,
  ]);
  return accountId;
}

describe('the resource digest', () => {
  it('follows resource creates, updates and deletes, and the report read from it is the same as from every resource', async () => {
    const accountId = await seedAccount('digest-follow');
    const resources = db.collection(subcollectionPath(accountId, 'resources'));
    await resources.doc('r00').set({ type: 'workflow', name: 'r00', memberIds: ['u1', 'u2'] });
    await resources.doc('r01').delete();
    // A resource the schema refuses is listed as malformed from the digest too.
    await resources.doc('bad').set({ type: 'spreadsheet', name: 'bad', memberIds: 'u1' });
    await eventually(
      async () => {
        const digest = await readResourceDigest(db, accountId);
        if (!digest.usable) return undefined;
        const r00 = digest.documents.find((d) => d.id === 'r00')?.data() as {
          memberIds?: string[];
        };
        const gone = !digest.documents.some((d) => d.id === 'r01');
        return r00?.memberIds?.length === 2 && gone ? true : undefined;
      },
      { ...TRIGGERS_SETTLE, what: 'the digest to follow the writes' },
    );

    const fromDigest = await accessReviewOf(accountId);
    expect(fromDigest.reads.resources).toBeUndefined();
    expect(fromDigest.reads.resourceDigest).toBeLessThanOrEqual(5);
    expect(fromDigest.data.malformedDocuments).toEqual([
      expect.objectContaining({ path: accountDocPath(accountId, 'resources', 'bad') }),
    ]);

    await deleteDigest(accountId);
    const fromResources = await accessReviewOf(accountId);
    expect(fromResources.reads.resources).toBe(24);
    expect(accessCounts(fromDigest.data)).toEqual(accessCounts(fromResources.data));
  });

  it('resources written before the digest existed are read in full until the repair, which gives the same report', async () => {
    const accountId = await seedAccount('digest-legacy');
    await eventually(() => digestUsable(accountId), {
      ...TRIGGERS_SETTLE,
      what: 'the trigger-built digest',
    });
    // As if the resources predated the digest: no digest at all.
    await deleteDigest(accountId);
    expect(await readResourceDigest(db, accountId)).toMatchObject({ usable: false });
    const before = await accessReviewOf(accountId);
    expect(before.reads.resources).toBe(24);

    expect(await repairResourceDigest(db, accountId)).toBe(true);
    const after = await accessReviewOf(accountId);
    expect(after.reads.resources).toBeUndefined();
    expect(accessCounts(after.data)).toEqual(accessCounts(before.data));
    expect(await repairResourceDigest(db, accountId)).toBe(false);
  });

  it('an entry for a resource that no longer exists is removed by a late or repeated refresh', async () => {
    const accountId = await seedAccount('digest-late');
    await eventually(() => digestUsable(accountId), {
      ...TRIGGERS_SETTLE,
      what: 'the trigger-built digest',
    });
    await db.doc(accountDocPath(accountId, 'resources', 'r05')).delete();
    // The delete's own trigger may or may not have run yet; refreshing twice changes nothing more.
    await refreshDigestedResource(db, accountId, 'r05');
    await refreshDigestedResource(db, accountId, 'r05');
    const digest = await readResourceDigest(db, accountId);
    expect(digest.usable).toBe(true);
    expect(digest.usable && digest.documents.map((d) => d.id)).not.toContain('r05');
  });

  it('a shard too large for one document is marked overflowed and the report reads every resource', async () => {
    const accountId = await seedAccount('digest-overflow');
    await eventually(() => digestUsable(accountId), {
      ...TRIGGERS_SETTLE,
      what: 'the trigger-built digest',
    });
    const uidBytes = 40;
    const crowd = Array.from(
      { length: Math.ceil(MAX_DIGEST_SHARD_BYTES / uidBytes) },
      (_, n) => `member-with-a-long-generated-uid-${String(n).padStart(6, '0')}`,
    );
    await db
      .doc(accountDocPath(accountId, 'resources', 'crowded'))
      .set({ type: 'recipe', name: 'crowded', memberIds: crowd });
    await eventually(
      async () => {
        const digest = await readResourceDigest(db, accountId);
        return !digest.usable && digest.overflowed ? true : undefined;
      },
      { ...TRIGGERS_SETTLE, what: 'the shard to overflow' },
    );
    const report = await accessReviewOf(accountId);
    expect(report.reads.resources).toBe(25);
    expect(await repairResourceDigest(db, accountId)).toBe(false);
  });
});
