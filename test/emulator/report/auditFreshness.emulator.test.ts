/**
 * CONTRACT §4 freshness through the HTTP API with the Redis cache on: an audit event written now
 * is in the audit-log summary of any report requested 60 s later, and the summary says up to when
 * it is complete (`asOf`).
 */
import { Timestamp } from 'firebase-admin/firestore';
import type { EvidenceReport } from '../../../functions/schema/evidence';
import { subcollectionPath } from '../../../functions/schema/paths';
import { auditLogData } from '../../support/auditFixtures';
import {
  addMember,
  callApi,
  createAccount,
  db,
  eventually,
  idTokenFor,
  uniqueAccountId,
} from '../../support/world';

jest.setTimeout(180_000);

describe('audit-log summary freshness', () => {
  it('counts an event in a report requested within 60 s of its write, cache on', async () => {
    const accountId = await createAccount(uniqueAccountId('fresh'), { plan: 'enterprise' });
    const owner = await addMember(accountId, { role: 'owner' });
    const token = await idTokenFor(owner.uid);
    const summary = async () => {
      const answer = await callApi('/soc2-evidence', {
        token,
        query: { accountId, section: 'audit-log-summary' },
      });
      expect(answer.status).toBe(200);
      const section = (answer.json as EvidenceReport).sections.auditLogSummary!;
      return { data: section.data, cache: answer.headers.get('x-evidence-cache') };
    };
    const writeEvent = async (id: string) => {
      const writtenAt = new Date();
      await db
        .doc(`${subcollectionPath(accountId, 'auditLogs')}/${id}`)
        .create(auditLogData({ timestamp: Timestamp.fromDate(writtenAt), actorId: owner.uid }));
      return writtenAt;
    };

    await writeEvent('first');
    // The cache holds a summary that counts the first event.
    await eventually(
      async () => {
        const { data, cache } = await summary();
        return data.total === 1 && cache === 'hit' ? true : undefined;
      },
      { what: 'a cached summary with the first event', timeoutMs: 120_000, intervalMs: 1_000 },
    );

    const writtenAt = await writeEvent('second');
    const fresh = await eventually(
      async () => {
        const { data } = await summary();
        return data.total === 2 ? data : undefined;
      },
      { what: 'the second event in the summary', timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(Date.parse(fresh.asOf)).toBeGreaterThanOrEqual(writtenAt.getTime());
    expect(fresh.topActors).toEqual([expect.objectContaining({ actorId: owner.uid, count: 2 })]);
  });
});
