import { createHash, randomBytes } from 'node:crypto';
import type { DecodedIdToken } from 'firebase-admin/auth';
import type { Deps } from '../../../functions/app/deps';
import { StorageUnavailableError, type EvidenceStore } from '../../../functions/adapters/storage';
import { archiveDepsFrom, archivePeriod } from '../../../functions/bundle/archive';
import { parseQuarter } from '../../../functions/bundle/period';
import { storeEvidenceContent } from '../../../functions/compliance/evidenceItems';
import { ApiError } from '../../../functions/domain/errors';
import { authorizeAccount } from '../../../functions/http/authz';
import { EVIDENCE_ITEM_MAX_BYTES } from '../../../functions/schema/evidenceItems';
import { subcollectionPath } from '../../../functions/schema/paths';
import { readZip, tempDir } from '../../support/bundleZip';
import { testDeps } from '../../support/deps';
import { openApiErrors } from '../../support/openApiValidator';
import {
  accountWithEveryRole,
  callApi,
  db,
  type ApiAnswer,
  type ApiCall,
} from '../../support/world';
import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Evidence items (CONTRACT §10) over HTTP through the Hosting emulator: register, upload the raw
 * body once into the Storage emulator, list with the server's SHA-256, download through a signed
 * URL, the 25 MiB limit, roles, tenant isolation and hostile input; then the evidence controls
 * and the bundle of the item's effective period.
 */

jest.setTimeout(120_000);

type Team = Awaited<ReturnType<typeof accountWithEveryRole>>;
interface Item {
  id: string;
  state: string;
  sha256: string | null;
  size: number | null;
  expired: boolean;
  criteria: string[];
  fileName: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]);

const registration = (accountId: string, fields: Record<string, unknown> = {}) => ({
  accountId,
  title: 'External penetration test 2026',
  criteria: ['CC4.1', 'CC7.1'],
  kind: 'penetration_test',
  effectiveAt: '2026-08-15T00:00:00Z',
  fileName: 'pentest-2026.pdf',
  contentType: 'application/pdf',
  ...fields,
});

async function register(team: Team, fields: Record<string, unknown> = {}): Promise<Item> {
  const answer = await callApi('/evidence-items', {
    method: 'POST',
    token: team.members.admin.token,
    body: registration(team.accountId, fields),
  });
  expect(answer.status).toBe(201);
  return answer.json as Item;
}

function upload(
  team: Team,
  itemId: string,
  raw: ApiCall['raw'],
  call: Partial<ApiCall> = {},
): Promise<ApiAnswer> {
  return callApi(`/evidence-items/${itemId}/content`, {
    method: 'PUT',
    token: team.members.admin.token,
    query: { accountId: team.accountId },
    headers: { 'content-type': 'application/pdf' },
    raw,
    ...call,
  });
}

const list = (team: Team, query: Record<string, string> = {}, token = team.members.auditor.token) =>
  callApi('/evidence-items', { token, query: { accountId: team.accountId, ...query } });

const errorOf = (answer: ApiAnswer) =>
  (answer.json as { error: { code: string; message: string } }).error;

/** The object an item's file is stored as, if any. */
const storedObject = (team: Team, item: Item) =>
  testDeps()
    .evidenceStore()
    .stat(`accounts/${team.accountId}/evidence-items/${item.id}/${item.fileName}`);

describe('evidence items over HTTP', () => {
  let team: Team;
  beforeAll(async () => {
    team = await accountWithEveryRole('evidence-items', { plan: 'enterprise' });
  });

  it('an item is registered, uploaded once with the server-computed SHA-256, listed and downloaded', async () => {
    const item = await register(team);
    expect(item).toMatchObject({
      state: 'awaiting_upload',
      sha256: null,
      size: null,
      expired: false,
    });

    const stored = await upload(team, item.id, PDF);
    expect(stored.status).toBe(200);
    expect(stored.json).toMatchObject({
      id: item.id,
      state: 'stored',
      sha256: sha256(PDF),
      size: PDF.length,
    });
    expect(openApiErrors('PUT', '/api/evidence-items/{itemId}/content', 200, stored.json)).toEqual(
      [],
    );

    const again = await upload(team, item.id, Buffer.from('%PDF-1.7 another file'));
    expect(again.status).toBe(409);
    expect(errorOf(again).code).toBe('failed_precondition');

    const listed = await list(team);
    expect(listed.status).toBe(200);
    expect(openApiErrors('GET', '/api/evidence-items', 200, listed.json)).toEqual([]);
    const entry = (listed.json as { items: Item[] }).items.find((i) => i.id === item.id);
    expect(entry).toMatchObject({ state: 'stored', sha256: sha256(PDF), size: PDF.length });

    const link = await callApi(`/evidence-items/${item.id}/download`, {
      token: team.members.auditor.token,
      query: { accountId: team.accountId },
    });
    expect(link.status).toBe(200);
    const { url, expiresAt } = link.json as { url: string; expiresAt: string };
    expect(url).toContain('X-Goog-Expires=900');
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    expect(sha256(Buffer.from(await fetched.arrayBuffer()))).toBe(sha256(PDF));

    const events = await db
      .collection(subcollectionPath(team.accountId, 'auditLogs'))
      .where('resourceId', '==', item.id)
      .get();
    expect(events.docs.map((d) => d.get('action')).sort()).toEqual([
      'evidence_item.create',
      'evidence_item.upload',
    ]);
  });

  it('26 MiB is refused with a 413 JSON error and nothing is stored, declared or chunked', async () => {
    const item = await register(team, { fileName: 'big.pdf' });
    const big = Buffer.alloc(26 * 1024 * 1024, 0x41);
    const declared = await upload(team, item.id, big);
    expect(declared.status).toBe(413);
    expect(errorOf(declared)).toMatchObject({ code: 'too_large' });
    expect(errorOf(declared).message).toContain(`${EVIDENCE_ITEM_MAX_BYTES} bytes`);

    // No Content-Length: the bytes that arrived are counted.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < big.length; at += 1024 * 1024) {
          controller.enqueue(big.subarray(at, at + 1024 * 1024));
        }
        controller.close();
      },
    });
    const chunked = await upload(team, item.id, chunks);
    expect(chunked.status).toBe(413);
    expect(errorOf(chunked).code).toBe('too_large');

    expect(await storedObject(team, item)).toBeUndefined();
    const listed = await list(team, { state: 'awaiting_upload' });
    expect((listed.json as { items: Item[] }).items.map((i) => i.id)).toContain(item.id);
  });

  it('exactly 25 MiB is accepted', async () => {
    const item = await register(team, { fileName: 'limit.pdf' });
    const answer = await upload(team, item.id, Buffer.alloc(EVIDENCE_ITEM_MAX_BYTES, 0x42));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ size: EVIDENCE_ITEM_MAX_BYTES });
  });

  it('an empty body is 400 and a Content-Type other than the registered one is 415', async () => {
    const item = await register(team, { fileName: 'empty.pdf' });
    const empty = await upload(team, item.id, new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(errorOf(empty).message).toMatch(/empty/);
    const other = await upload(team, item.id, Buffer.from('hello'), {
      headers: { 'content-type': 'text/plain' },
    });
    expect(other.status).toBe(415);
    expect(errorOf(other).message).toContain('application/pdf');
    expect(await storedObject(team, item)).toBeUndefined();
  });

  it('a download before the upload is 409; an unknown item is 404', async () => {
    const item = await register(team, { fileName: 'pending.pdf' });
    const early = await callApi(`/evidence-items/${item.id}/download`, {
      token: team.members.auditor.token,
      query: { accountId: team.accountId },
    });
    expect(early.status).toBe(409);
    const unknown = await upload(team, 'no-such-item', PDF);
    expect(unknown.status).toBe(404);
  });

  it('expired items are flagged, and the list filters by criteria and state', async () => {
    const expired = await register(team, {
      title: 'Training 2024',
      kind: 'security_awareness_training',
      criteria: ['CC2.1'],
      effectiveAt: '2024-03-01T00:00:00Z',
      expiresAt: '2025-03-01T00:00:00Z',
      fileName: 'training-2024.csv',
      contentType: 'text/csv',
    });
    expect(expired.expired).toBe(true);
    expect(
      (
        await upload(team, expired.id, Buffer.from('name,done\nada,yes\n'), {
          headers: { 'content-type': 'text/csv; charset=utf-8' },
        })
      ).status,
    ).toBe(200);

    const byCriteria = (await list(team, { criteria: 'CC2.1' })).json as { items: Item[] };
    expect(byCriteria.items.map((i) => [i.id, i.expired])).toEqual([[expired.id, true]]);
    const stored = (await list(team, { criteria: 'CC2.1,CC4.1', state: 'stored' })).json as {
      items: Item[];
    };
    expect(stored.items.every((i) => i.state === 'stored')).toBe(true);
    expect(stored.items.map((i) => i.id)).toContain(expired.id);
    const unknown = await list(team, { criteria: 'CC9.9' });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown).message).toContain('valid criteria: ');
  });

  it('members and viewers may not list; auditors may list but not register or upload', async () => {
    for (const role of ['member', 'viewer'] as const) {
      expect((await list(team, {}, team.members[role].token)).status).toBe(403);
    }
    const byAuditor = await callApi('/evidence-items', {
      method: 'POST',
      token: team.members.auditor.token,
      body: registration(team.accountId),
    });
    expect(byAuditor.status).toBe(403);
    expect(errorOf(byAuditor).message).toContain('level 60');
    const item = await register(team, { fileName: 'lead.pdf' });
    const byAuditorUpload = await upload(team, item.id, PDF, { token: team.members.auditor.token });
    expect(byAuditorUpload.status).toBe(403);
    const byLead = await upload(team, item.id, PDF, { token: team.members.dept_lead.token });
    expect(byLead.status).toBe(200);
  });

  it("another account's item is absent: no upload, no download, not listed", async () => {
    const other = await accountWithEveryRole('evidence-other', { plan: 'enterprise' });
    const item = await register(team, { fileName: 'isolated.pdf' });
    const asOther = { token: other.members.owner.token, query: { accountId: other.accountId } };
    expect((await upload(team, item.id, PDF, asOther)).status).toBe(404);
    const download = await callApi(`/evidence-items/${item.id}/download`, asOther);
    expect(download.status).toBe(404);
    const listed = await list(other, {}, other.members.owner.token);
    expect((listed.json as { items: Item[] }).items).toEqual([]);
    // Naming the other account with one's own token is a 403, whatever the item.
    const foreign = await upload(team, item.id, PDF, { token: other.members.owner.token });
    expect(foreign.status).toBe(403);
  });

  it.each([
    ['a fileName with a slash', { fileName: '../../etc/passwd' }, 'fileName'],
    ['a fileName with a backslash', { fileName: 'a\\b.pdf' }, 'fileName'],
    ['a fileName with ..', { fileName: '..' }, 'fileName'],
    ['a fileName with a control character', { fileName: 'a\u0000.pdf' }, 'fileName'],
    ['a fileName over 200 characters', { fileName: `${'a'.repeat(201)}.pdf` }, 'fileName'],
    [
      'an unknown criterion',
      { criteria: ['CC9.9'] },
      'unknown criterion "CC9.9"; valid criteria: A1.2, C1.2, CC1.1',
    ],
    ['no criteria', { criteria: [] }, 'criteria'],
    [
      'expiresAt before effectiveAt',
      { expiresAt: '2026-01-01T00:00:00Z' },
      'expiresAt: must be after effectiveAt',
    ],
    ['an unknown field', { owner: 'mallory' }, 'owner'],
    ['an unknown kind', { kind: 'audit' }, 'kind must be one of'],
    ['a malformed contentType', { contentType: 'pdf' }, 'contentType'],
  ])('%s is refused with 400', async (_name, fields, message) => {
    const answer = await callApi('/evidence-items', {
      method: 'POST',
      token: team.members.admin.token,
      body: registration(team.accountId, fields),
    });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 'invalid_argument' });
    expect(errorOf(answer).message).toContain(message);
  });
});

/**
 * Fault injection: the real Storage emulator behind a store whose connection "breaks" on chosen
 * writes, either before Storage has the object or just after it stored it (the answer lost).
 */
type Fault = 'drop_before_stored' | 'drop_after_stored' | 'none';

function breakingStore(real: EvidenceStore, faults: Fault[]): EvidenceStore & { writes: number } {
  const store = {
    ...real,
    writes: 0,
    async writeOnce(objectPath: string, contentType: string, source: Readable) {
      const fault = faults[store.writes++] ?? 'none';
      if (fault === 'drop_before_stored') {
        for await (const chunk of source) void chunk;
        throw new StorageUnavailableError(objectPath, 'EPIPE');
      }
      await real.writeOnce(objectPath, contentType, source);
      if (fault === 'drop_after_stored')
        throw new StorageUnavailableError(objectPath, 'ECONNRESET');
    },
  };
  return store;
}

describe('evidence item uploads when the connection to Storage breaks', () => {
  let team: Team;
  let caller: Awaited<ReturnType<typeof authorizeAccount>>;
  beforeAll(async () => {
    team = await accountWithEveryRole('evidence-faults', { plan: 'enterprise' });
    const admin = team.members.admin;
    caller = await authorizeAccount(
      testDeps(),
      { uid: admin.uid, email: admin.email } as DecodedIdToken,
      team.accountId,
      'audit:read',
    );
  });

  const uploadThrough = (store: EvidenceStore, item: Item) =>
    storeEvidenceContent(testDeps({ evidenceStore: () => store }), caller, item.id, {
      bytes: PDF,
      contentType: 'application/pdf',
    });

  const storedBytes = async (team: Team, item: Item) => {
    const objectPath = `accounts/${team.accountId}/evidence-items/${item.id}/${item.fileName}`;
    const chunks: Buffer[] = [];
    for await (const chunk of testDeps().evidenceStore().createReadStream(objectPath)) {
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  };

  it('a write dropped before Storage had the file is sent again and the item is stored', async () => {
    const item = await register(team, { fileName: 'dropped-once.pdf' });
    const store = breakingStore(testDeps().evidenceStore(), ['drop_before_stored']);
    const view = await uploadThrough(store, item);
    expect(store.writes).toBe(2);
    expect(view).toMatchObject({ state: 'stored', sha256: sha256(PDF), size: PDF.length });
    expect(sha256(await storedBytes(team, item))).toBe(sha256(PDF));
  });

  it('a write whose answer was lost after Storage stored the file completes from that object', async () => {
    const item = await register(team, { fileName: 'answer-lost.pdf' });
    const store = breakingStore(testDeps().evidenceStore(), ['drop_after_stored']);
    const view = await uploadThrough(store, item);
    expect(store.writes).toBe(2);
    expect(view).toMatchObject({ state: 'stored', sha256: sha256(PDF), size: PDF.length });
  });

  it('a connection that breaks twice is a 503 with Retry-After; nothing is stored and the same upload then succeeds', async () => {
    const item = await register(team, { fileName: 'dropped-twice.pdf' });
    const store = breakingStore(testDeps().evidenceStore(), [
      'drop_before_stored',
      'drop_before_stored',
    ]);
    const error = await uploadThrough(store, item).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'unavailable', status: 503 });
    expect((error as ApiError).details).toEqual({ retryAfterSeconds: 5 });
    expect(await storedObject(team, item)).toBeUndefined();
    const listed = await list(team);
    expect((listed.json as { items: Item[] }).items.find((i) => i.id === item.id)).toMatchObject({
      state: 'awaiting_upload',
    });

    const retried = await upload(team, item.id, PDF);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ state: 'stored', sha256: sha256(PDF) });
  });
});

describe('evidence items as control evidence and in bundles', () => {
  const Q3 = parseQuarter('2026-Q3');
  const Q4 = parseQuarter('2026-Q4');

  it('the evidence controls fail "missing" until a current item of their kind is stored', async () => {
    const team = await accountWithEveryRole('evidence-controls', { plan: 'enterprise' });
    const evaluate = async () => {
      const answer = await callApi('/compliance/evaluate', {
        method: 'POST',
        token: team.members.owner.token,
        body: { accountId: team.accountId },
      });
      expect(answer.status).toBe(200);
      const { results } = answer.json as {
        results: { controlId: string; status: string; measured: unknown; detail: string }[];
      };
      return Object.fromEntries(results.map((r) => [r.controlId, r]));
    };
    const before = await evaluate();
    expect(before['vulnerability-scan']).toMatchObject({ status: 'fail', measured: 'missing' });
    expect(before['vulnerability-scan'].detail).toContain('kind vulnerability_scan');

    const recent = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const scan = await register(team, {
      kind: 'vulnerability_scan',
      effectiveAt: recent,
      fileName: 'scan.pdf',
    });
    expect((await upload(team, scan.id, PDF)).status).toBe(200);
    const stale = await register(team, {
      effectiveAt: '2024-01-10T00:00:00Z',
      fileName: 'old-pentest.pdf',
    });
    expect((await upload(team, stale.id, PDF)).status).toBe(200);

    const after = await evaluate();
    expect(after['vulnerability-scan']).toMatchObject({ status: 'pass', measured: scan.id });
    expect(after['penetration-test']).toMatchObject({ status: 'fail', measured: 'expired' });
    expect(after['penetration-test'].detail).toContain(stale.id);
    expect(after['security-awareness-training']).toMatchObject({ measured: 'missing' });
  });

  it('an item is in the bundle of its effective period with its bytes, and not in the next one', async () => {
    const team = await accountWithEveryRole('evidence-bundle', { plan: 'enterprise' });
    const item = await register(team, {
      effectiveAt: '2026-09-30T23:59:59Z',
      fileName: 'q3 pentest.pdf',
    });
    expect((await upload(team, item.id, PDF)).status).toBe(200);
    const pending = await register(team, {
      effectiveAt: '2026-08-01T00:00:00Z',
      fileName: 'never.pdf',
    });

    const deps: Deps = testDeps({ now: () => new Date('2027-01-01T02:00:00Z') });
    const entriesOf = async (period: typeof Q3) => {
      const { index } = await archivePeriod(archiveDepsFrom(deps), team.accountId, period);
      const path = join(tempDir(), 'bundle.zip');
      await pipeline(
        deps.evidenceStore().createReadStream(index.objectPath),
        createWriteStream(path),
      );
      return new Map(await readZip(path));
    };
    const q3 = await entriesOf(Q3);
    const name = `evidence/${item.id}/q3 pentest.pdf`;
    expect(q3.get(name)).toEqual(PDF);
    const manifest = JSON.parse(q3.get('manifest.json')!.toString('utf8')) as {
      files: { name: string; sha256: string }[];
    };
    expect(manifest.files).toContainEqual(expect.objectContaining({ name, sha256: sha256(PDF) }));
    expect([...q3.keys()].filter((n) => n.includes(pending.id))).toEqual([]);

    const q4 = await entriesOf(Q4);
    expect([...q4.keys()].filter((n) => n.startsWith('evidence/'))).toEqual([]);
  });
});
