import type { Firestore } from 'firebase-admin/firestore';
import { upstashCache } from '../../../functions/adapters/cache';
import type { Deps } from '../../../functions/app/deps';
import * as entry from '../../../functions/index';
import { cachedReport, TTL_FRESH_COLLECTIONS } from '../../../functions/report/cache';
import { SECTIONS } from '../../../functions/report/registry';
import { ReportSources } from '../../../functions/report/sources';
import type { SectionKey } from '../../../functions/schema/report';
import { blockedIpDoc, securityEventDoc, writeDocs } from '../../../scripts/seed/builders';
import { eventually } from '../../support/eventually';
import { adminAuth, createAccount, db, uniqueAccountId } from '../../support/world';

/** The collection under `accounts/{accountId}/` that a path names (its third segment). */
const collectionOf = (path: string) => path.split('/')[2];

/** The real Firestore, noting every collection or document path the code asks it for. */
function recordingFirestore(real: Firestore, seen: Set<string>): Firestore {
  return new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'collection' || prop === 'doc') {
        return (path: string) => {
          seen.add(collectionOf(path));
          return (value as (p: string) => unknown).call(target, path);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function collectionsReadBy(key: SectionKey, accountId: string): Promise<string[]> {
  const seen = new Set<string>();
  const deps = { db: recordingFirestore(db, seen), auth: adminAuth, now: () => new Date() };
  const sources = new ReportSources(deps as Deps, accountId, new Date());
  await SECTIONS[key].compute(sources as never);
  return [...seen].sort();
}

/** Collections whose writes drop the cached report: the `evidenceCache*` triggers of the entry. */
function invalidatedCollections(): Set<string> {
  const covered = new Set<string>();
  for (const [name, fn] of Object.entries(entry)) {
    const endpoint = (fn as { __endpoint?: { eventTrigger?: Record<string, unknown> } }).__endpoint;
    const trigger = endpoint?.eventTrigger;
    const document = (trigger?.eventFilterPathPatterns as { document?: string } | undefined)
      ?.document;
    if (!name.startsWith('evidenceCache') || !document) continue;
    expect(trigger?.eventType).toBe('google.cloud.firestore.document.v1.written');
    covered.add(collectionOf(document));
  }
  return covered;
}

describe('cache invalidation covers what the report reads', () => {
  let accountId: string;
  beforeAll(async () => {
    accountId = await createAccount(uniqueAccountId('inval'));
  });

  it('every collection a section reads has an invalidating trigger or a freshness TTL', async () => {
    const covered = invalidatedCollections();
    for (const ttlFresh of TTL_FRESH_COLLECTIONS) covered.add(ttlFresh);
    const uncovered: string[] = [];
    for (const key of Object.keys(SECTIONS) as SectionKey[]) {
      for (const collection of await collectionsReadBy(key, accountId)) {
        if (!covered.has(collection)) uncovered.push(`${key} reads ${collection}`);
      }
    }
    expect(uncovered).toEqual([]);
  });

  it('the security sections read blocked IPs and security events, and both invalidate', async () => {
    expect(await collectionsReadBy('securityMetrics', accountId)).toEqual(
      expect.arrayContaining(['apiKeys', 'blockedIps', 'securityEvents']),
    );
    expect(await collectionsReadBy('accessReview', accountId)).toEqual(
      expect.arrayContaining(['accessHistory', 'members', 'departments', 'resources', 'apiKeys']),
    );
    const covered = invalidatedCollections();
    for (const c of ['blockedIps', 'securityEvents', 'accessHistory', 'members', 'settings']) {
      expect(covered.has(c)).toBe(true);
    }
  });
});

describe('security writes reach a cached report', () => {
  const deps = {
    db,
    auth: adminAuth,
    now: () => new Date(),
    cache: upstashCache({
      url: process.env.UPSTASH_REDIS_REST_URL!,
      token: process.env.UPSTASH_REDIS_REST_TOKEN!,
    }),
  } as Deps;
  const securityMetrics = async (accountId: string) => {
    const { report, cache } = await cachedReport(deps, accountId, ['security-metrics']);
    return { data: report.sections.securityMetrics!.data, cache };
  };

  it('a new blocked IP and a new failed sign-in show before the 5-minute TTL', async () => {
    const accountId = await createAccount(uniqueAccountId('inval-sec'));
    await eventually(
      async () => ((await securityMetrics(accountId)).cache === 'hit' ? 1 : undefined),
      {
        what: 'a cache hit',
      },
    );
    const before = (await securityMetrics(accountId)).data;
    await writeDocs(db, [
      blockedIpDoc(accountId, 'ip-1', { ip: '198.51.100.7' }),
      securityEventDoc(accountId, 'ev-1', { type: 'auth_failure', ip: '198.51.100.7' }),
    ]);
    const after = await eventually(
      async () => {
        const { data } = await securityMetrics(accountId);
        const blocked = data.blockedIps.entries.some((e) => e.ip === '198.51.100.7');
        return blocked && data.failedAuthAttempts.total > before.failedAuthAttempts.total
          ? data
          : undefined;
      },
      { what: 'the blocked IP and the failed sign-in in the cached report' },
    );
    expect(after.blockedIps.active).toBe(before.blockedIps.active + 1);
  });
});
