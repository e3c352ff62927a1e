/**
 * Bundles in the portal, in a real browser through Hosting: the archives page lists the bundles
 * the API built and verifies one in the browser (chain included), and /verify, without sign-in,
 * verifies a picked zip and refuses a tampered one and a wrong key, each with its reason.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Timestamp } from 'firebase-admin/firestore';
import type { Archive, ReadyArchive } from '../../../portal/src/api';
import { subcollectionPath } from '../../../functions/schema/paths';
import { auditLogData } from '../../support/auditFixtures';
import {
  browserPerFile,
  portalOrigin,
  screenshot,
  seriousAccessibilityViolations,
  signIn as signInAs,
} from '../../support/browser';
import { rfc8032Key } from '../../support/bundleKeys';
import { readZip, tempDir, writeZip } from '../../support/bundleZip';
import {
  addMember,
  callApi,
  createAccount,
  db,
  eventually,
  idTokenFor,
  uniqueAccountId,
  type MemberFixture,
} from '../../support/world';

jest.setTimeout(180_000);

const PASSWORD = 'archives-test-password';
const HOUR = 3_600_000;

let accountId: string;
let auditor: MemberFixture;
const session = browserPerFile();
let archives: ReadyArchive[];
/** The newest bundle's zip, downloaded through its signed URL. */
let genuineZip: string;
const dir = tempDir();

/** Two consecutive periods, a day each, ending an hour ago, with events in both. */
const now = Date.now();
const periods = [
  { start: new Date(now - 49 * HOUR), end: new Date(now - 25 * HOUR) },
  { start: new Date(now - 25 * HOUR), end: new Date(now - HOUR) },
];

async function seedEvents(): Promise<void> {
  const batch = db.batch();
  for (let i = 0; i < 8; i++) {
    batch.create(
      db.doc(`${subcollectionPath(accountId, 'auditLogs')}/archive-evt-${i}`),
      auditLogData({
        timestamp: Timestamp.fromDate(new Date(now - (2 + i * 6) * HOUR)),
        actorId: `archive-actor-${i}`,
      }),
    );
  }
  await batch.commit();
}

const asAuditor = async (path: string, query: Record<string, string> = {}) =>
  callApi(path, { token: await idTokenFor(auditor.uid), query: { accountId, ...query } });

/** The list once every bundle is ready (the build may run in a task queue). */
async function readyArchives(count: number): Promise<ReadyArchive[]> {
  return eventually(
    async () => {
      const listed = (await asAuditor('/soc2-archives')).json as { archives: Archive[] };
      const ready = listed.archives.filter((a): a is ReadyArchive => a.state === 'ready');
      return ready.length === count ? ready : undefined;
    },
    { timeoutMs: 90_000, what: `${count} ready bundles` },
  );
}

async function downloadZip(archive: ReadyArchive): Promise<Buffer> {
  const answer = await asAuditor(`/soc2-archives/${archive.id}/download`);
  expect(answer.status).toBe(200);
  const response = await fetch((answer.json as { url: string }).url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

beforeAll(async () => {
  accountId = await createAccount(uniqueAccountId('archives'));
  const withPassword = { password: PASSWORD };
  const owner = await addMember(accountId, { role: 'owner' }, withPassword);
  auditor = await addMember(accountId, { role: 'auditor' }, withPassword);
  await seedEvents();
  for (const period of periods) {
    const built = await callApi('/soc2-archives', {
      method: 'POST',
      token: await idTokenFor(owner.uid),
      body: {
        accountId,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
      },
    });
    expect([200, 201, 202]).toContain(built.status);
    // The next period chains to this one only once it is ready.
    await readyArchives(periods.indexOf(period) + 1);
  }
  archives = await readyArchives(2);
  genuineZip = join(dir, 'genuine.zip');
  writeFileSync(genuineZip, await downloadZip(archives[0]));
});

/** What the page ends with: "Verified" or "Not verified: …". */
const verdict = () => session.page.getByText(/^(Verified|Not verified: .*)$/);

async function verifyFile(bundle: string, publicKeyPath?: string): Promise<string> {
  await session.page.goto(`${portalOrigin()}/verify`);
  await session.page.getByLabel('Bundle').setInputFiles(bundle);
  if (publicKeyPath) await session.page.getByLabel('Public key').setInputFiles(publicKeyPath);
  await session.page.getByRole('button', { name: 'Verify' }).click();
  await verdict().waitFor();
  return verdict().innerText();
}

describe('archives page', () => {
  it('lists every bundle and verifies the newest in the browser, chain link included', async () => {
    const key = (await callApi('/soc2-evidence/public-key')).json as { publicKey: string };
    const der = createPublicKey(key.publicKey).export({ type: 'spki', format: 'der' });

    await signInAs(session.page, auditor, PASSWORD, `/accounts/${accountId}/archives`);
    const table = session.page.getByRole('table', { name: 'Evidence bundles' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(2);
    const newest = table.locator('tbody tr').first();
    await newest.getByRole('cell', { name: String(archives[0].eventCount), exact: true }).waitFor();
    await newest.getByRole('cell', { name: 'ready', exact: true }).waitFor();

    await newest.getByRole('button', { name: 'Verify' }).click();
    await verdict().waitFor({ timeout: 60_000 });
    expect(await verdict().innerText()).toBe('Verified');
    await session.page.getByText(createHash('sha256').update(der).digest('hex')).waitFor();
    const checks = session.page.getByRole('list', { name: 'Checks' });
    expect(await checks.getByText(/^pass chain: links to .* \([0-9a-f]{64}\)$/).count()).toBe(1);
    expect(await checks.getByText(/^pass merkle root: [0-9a-f]{64} over \d+ lines$/).count()).toBe(
      1,
    );
    expect(await checks.getByText(/^FAIL/).count()).toBe(0);
    await screenshot(session.page, 'archives');
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    expect(session.errors).toEqual([]);
  });

  it('downloads a bundle through its signed URL', async () => {
    await signInAs(session.page, auditor, PASSWORD, `/accounts/${accountId}/archives`);
    const newest = session.page
      .getByRole('table', { name: 'Evidence bundles' })
      .locator('tbody tr')
      .first();
    const [download] = await Promise.all([
      session.page.waitForEvent('download'),
      newest.getByRole('link', { name: 'Download' }).click(),
    ]);
    // Production Storage names it `<account>-<id>.zip` (response-content-disposition); the
    // emulator ignores that parameter and names it after the object.
    expect(download.suggestedFilename()).toMatch(new RegExp(`${archives[0].id}\\.zip$`));
    const bytes = readFileSync((await download.path())!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(archives[0].sha256);
    expect(session.errors).toEqual([]);
  });

  it('reloads on its deep link', async () => {
    await signInAs(session.page, auditor, PASSWORD, `/accounts/${accountId}/archives`);
    await session.page.getByRole('table', { name: 'Evidence bundles' }).waitFor();
    await session.page.reload();
    await session.page.getByRole('table', { name: 'Evidence bundles' }).waitFor();
    expect(session.page.url()).toBe(`${portalOrigin()}/accounts/${accountId}/archives`);
    expect(session.errors).toEqual([]);
  });
});

describe('/verify without sign-in', () => {
  it('verifies a genuine bundle against the published key', async () => {
    expect(await verifyFile(genuineZip)).toBe('Verified');
    await screenshot(session.page, 'verify');
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    expect(session.errors).toEqual([]);
  });

  it('refuses a bundle with one changed event, naming the file and the Merkle root', async () => {
    const entries = await readZip(genuineZip);
    const tampered = entries.map(([name, bytes]): [string, Buffer] => {
      if (name !== 'audit-log.ndjson') return [name, bytes];
      const text = bytes.toString('utf8');
      expect(text).toContain('"archive-actor-3"');
      return [name, Buffer.from(text.replace('"archive-actor-3"', '"archive-actor-X"'))];
    });
    const path = await writeZip(join(dir, 'tampered.zip'), tampered);
    expect(await verifyFile(path)).toMatch(
      /^Not verified: file audit-log\.ndjson: content differs from the manifest/,
    );
    await session.page.getByText(/^FAIL merkle root: recomputed [0-9a-f]{64}/).waitFor();
    expect(session.errors).toEqual([]);
  });

  it('refuses a genuine bundle checked against another key', async () => {
    const pem = join(dir, 'other-key.pem');
    writeFileSync(pem, rfc8032Key(1).publicPem);
    expect(await verifyFile(genuineZip, pem)).toBe(
      'Not verified: signature: manifest.sig does not verify manifest.json with the given public key',
    );
    expect(session.errors).toEqual([]);
  });

  it('reloads on its deep link', async () => {
    await session.page.goto(`${portalOrigin()}/verify`);
    await session.page.getByRole('heading', { name: 'Verify an evidence bundle' }).waitFor();
    await session.page.reload();
    await session.page.getByLabel('Bundle').waitFor();
    expect(session.errors).toEqual([]);
  });
});
