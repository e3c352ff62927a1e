import type { EvidenceCache } from '../../../functions/adapters/cache';
import { buildReport } from '../../../functions/report/buildReport';
import { cachedReport, invalidateAccountCache } from '../../../functions/report/cache';
import { SECTIONS } from '../../../functions/report/registry';
import type { EvidenceReport } from '../../../functions/schema/evidence';
import { unitDeps } from '../../support/deps';

/** An in-memory cache counting its round trips. */
function memoryCache() {
  const store = new Map<string, string>();
  const calls: string[] = [];
  const cache: EvidenceCache = {
    mget: async (keys) => (calls.push('mget'), keys.map((k) => store.get(k) ?? null)),
    set: async (key, value) => (calls.push('set'), store.set(key, value), true),
    incr: async (key) => {
      calls.push('incr');
      const next = Number(store.get(key) ?? 0) + 1;
      store.set(key, String(next));
      return next;
    },
  };
  return { cache, calls };
}

const NOW = new Date('2026-05-20T12:00:00Z');

/** A build that computes the static vendor register only, counting its runs. */
function countingBuild() {
  let builds = 0;
  const build = (async (_deps, accountId) => {
    builds++;
    const data = await SECTIONS.vendorRegister.compute({ accountId, asOf: NOW } as never);
    return {
      version: '1.0.0',
      accountId,
      generatedAt: NOW.toISOString(),
      complete: true,
      sections: { vendorRegister: { status: 'ok', generatedAt: NOW.toISOString(), data } },
    } as EvidenceReport;
  }) as typeof buildReport;
  return { build, builds: () => builds };
}

describe('report cache', () => {
  it('answers a warm report with one cache round trip, and recomputes after an invalidation', async () => {
    const { cache, calls } = memoryCache();
    const deps = unitDeps({ cache, now: () => NOW });
    const { build, builds } = countingBuild();

    expect((await cachedReport(deps, 'acct', ['vendor-register'], build)).cache).toBe('miss');
    calls.length = 0;
    const warm = await cachedReport(deps, 'acct', ['vendor-register'], build);
    expect(warm.cache).toBe('hit');
    expect(calls).toEqual(['mget']);
    expect(warm.report.sections.vendorRegister?.status).toBe('ok');
    expect(builds()).toBe(1);

    await invalidateAccountCache(deps, 'acct');
    expect((await cachedReport(deps, 'acct', ['vendor-register'], build)).cache).toBe('miss');
    expect(builds()).toBe(2);
    expect((await cachedReport(deps, 'other', ['vendor-register'], build)).cache).toBe('miss');
  });
});
