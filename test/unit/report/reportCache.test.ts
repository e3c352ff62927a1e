import type { EvidenceCache } from '../../../functions/adapters/cache';
import { buildReport } from '../../../functions/report/buildReport';
import {
  cachedReport,
  cachedReportJson,
  invalidateAccountCache,
  sectionCacheKey,
} from '../../../functions/report/cache';
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
  return { cache, calls, store };
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

  it('serves a warm report as the stored JSON: the same document, one round trip, no build', async () => {
    const { cache, calls } = memoryCache();
    const deps = unitDeps({ cache, now: () => NOW });
    const { build, builds } = countingBuild();

    const cold = await cachedReportJson(deps, 'acct', ['vendor-register'], build);
    calls.length = 0;
    const warm = await cachedReportJson(deps, 'acct', ['vendor-register'], build);
    expect([cold.cache, warm.cache]).toEqual(['miss', 'hit']);
    expect(calls).toEqual(['mget']);
    expect(builds()).toBe(1);
    expect(warm.json).toBe(cold.json);
    const { report } = await cachedReport(deps, 'acct', ['vendor-register'], build);
    expect(JSON.parse(warm.json)).toEqual(report);
    expect(warm.complete).toBe(true);
  });

  it('tags the report by its sections: the same sections keep the tag, a recomputed change moves it', async () => {
    const { cache } = memoryCache();
    let now = NOW;
    const deps = unitDeps({ cache, now: () => now });
    const { build } = countingBuild();

    const first = await cachedReportJson(deps, 'acct', ['vendor-register'], build);
    now = new Date(NOW.getTime() + 1000);
    const later = await cachedReportJson(deps, 'acct', ['vendor-register'], build);
    expect(later.json).not.toBe(first.json);
    expect(later.etag).toBe(first.etag);
    expect(first.etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);

    const degraded = (async (_deps: unknown, accountId: string) => ({
      version: '1.0.0',
      accountId,
      generatedAt: NOW.toISOString(),
      complete: false,
      sections: {
        vendorRegister: {
          status: 'degraded',
          generatedAt: NOW.toISOString(),
          error: { code: 'section_failed', message: 'The section could not be computed.' },
          data: { total: 0, overdueReviews: 0, byRisk: {}, vendors: [] },
        },
      },
    })) as unknown as typeof buildReport;
    await invalidateAccountCache(deps, 'acct');
    const changed = await cachedReportJson(deps, 'acct', ['vendor-register'], degraded);
    expect(changed.etag).not.toBe(first.etag);
    expect(changed.complete).toBe(false);
    expect(JSON.parse(changed.json)).toMatchObject({ complete: false });
  });

  it('treats an entry whose JSON no longer matches its digest as a miss', async () => {
    const { cache, store } = memoryCache();
    const deps = unitDeps({ cache, now: () => NOW });
    const { build, builds } = countingBuild();
    await cachedReportJson(deps, 'acct', ['vendor-register'], build);

    const key = sectionCacheKey('acct', 'vendorRegister');
    const [header, json] = store.get(key)!.split(/\n(.*)/s);
    store.set(key, `${header}\n${json.replace('"status":"ok"', '"status":"degraded"')}`);
    const again = await cachedReportJson(deps, 'acct', ['vendor-register'], build);
    expect(again.cache).toBe('miss');
    expect(builds()).toBe(2);
    expect(JSON.parse(again.json).sections.vendorRegister.status).toBe('ok');

    store.set(key, 'not an entry');
    expect((await cachedReportJson(deps, 'acct', ['vendor-register'], build)).cache).toBe('miss');
  });
});
