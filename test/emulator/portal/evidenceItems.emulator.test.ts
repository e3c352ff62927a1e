/**
 * The evidence-items page in a real browser, through Hosting: the list with the server's SHA-256,
 * effective and expiry dates (expired said in words), registering an item and uploading its file
 * from a file input (read back from the API), an item awaiting its file uploaded from its row,
 * read-only for auditors, "permission" for members.
 */
import { createHash } from 'node:crypto';
import type { Locator } from 'playwright-core';
import {
  browserPerFile,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
} from '../../support/browser';
import {
  addMember,
  callApi,
  createAccount,
  idTokenFor,
  uniqueAccountId,
  type MemberFixture,
} from '../../support/world';

jest.setTimeout(240_000);

const PASSWORD = 'evidence-items-test-password';

interface Item {
  id: string;
  title: string;
  state: string;
  sha256: string | null;
  kind: string | null;
  criteria: string[];
  effectiveAt: string;
}

let accountId: string;
let admin: MemberFixture;
let auditor: MemberFixture;
let member: MemberFixture;
const session = browserPerFile();
const TRAINING = Buffer.from('member,completed\nada,yes\n');
const REPORT = Buffer.from('%PDF-1.7\nPenetration test report\n');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function registerThroughApi(fields: Record<string, unknown>): Promise<Item> {
  const answer = await callApi('/evidence-items', {
    method: 'POST',
    token: await idTokenFor(admin.uid),
    body: { accountId, criteria: ['CC2.1'], contentType: 'text/csv', ...fields },
  });
  expect(answer.status).toBe(201);
  return answer.json as Item;
}

beforeAll(async () => {
  accountId = await createAccount(uniqueAccountId('evidence-page'));
  const withPassword = { password: PASSWORD };
  admin = await addMember(accountId, { role: 'admin' }, withPassword);
  auditor = await addMember(accountId, { role: 'auditor' }, withPassword);
  member = await addMember(accountId, { role: 'member' }, withPassword);
  const expired = await registerThroughApi({
    title: 'Training records 2024',
    kind: 'security_awareness_training',
    effectiveAt: '2024-03-01T00:00:00Z',
    expiresAt: '2025-03-01T00:00:00Z',
    fileName: 'training-2024.csv',
  });
  const uploaded = await callApi(`/evidence-items/${expired.id}/content`, {
    method: 'PUT',
    token: await idTokenFor(admin.uid),
    query: { accountId },
    headers: { 'content-type': 'text/csv' },
    raw: TRAINING,
  });
  expect(uploaded.status).toBe(200);
  await registerThroughApi({
    title: 'Risk register',
    criteria: ['CC3.1'],
    effectiveAt: '2026-02-01T00:00:00Z',
    fileName: 'risk.csv',
  });
});

const pagePath = () => `/accounts/${accountId}/evidence-items`;

async function listed(): Promise<Item[]> {
  const answer = await callApi('/evidence-items', {
    token: await idTokenFor(auditor.uid),
    query: { accountId },
  });
  expect(answer.status).toBe(200);
  return (answer.json as { items: Item[] }).items;
}

/** A table row by the text of its first cell, as the cells' texts. */
async function rowTexts(table: Locator, title: string): Promise<string[]> {
  const row = table.locator('tbody tr', {
    has: session.page.getByRole('cell', { name: title, exact: true }),
  });
  await row.waitFor();
  return row.getByRole('cell').allInnerTexts();
}

const table = () =>
  session.page.getByRole('table', { name: 'Evidence items, newest effective date first' });

describe('evidence items page', () => {
  it('lists items with hash and dates, expired in words; an item registered with its file appears stored', async () => {
    await signIn(session.page, admin, PASSWORD, '/');
    await session.page.getByRole('link', { name: 'Evidence items' }).click();
    await session.page.waitForURL(`**${pagePath()}`);
    const expired = await rowTexts(table(), 'Training records 2024');
    expect(expired.slice(0, 8)).toEqual([
      'Training records 2024',
      'CC2.1',
      'security awareness training',
      '2024-03-01',
      '2025-03-01 (expired)',
      'stored',
      sha256(TRAINING),
      `${TRAINING.length} B`,
    ]);
    expect(expired[9]).toBe('Download training-2024.csv');

    const form = session.page.getByRole('form', { name: 'Register an evidence item' });
    await form.getByLabel('Title').fill('Penetration test 2026');
    await form.getByLabel(/^Criteria/).fill('CC4.1, CC7.1');
    await form.getByLabel('Kind').selectOption('penetration_test');
    await form.getByLabel('Effective date').fill('2026-06-30');
    await form.getByLabel('Expiry date').fill('2027-06-30');
    await form.getByLabel(/^File/).setInputFiles({
      name: 'pentest 2026.pdf',
      mimeType: 'application/pdf',
      buffer: REPORT,
    });
    await screenshot(session.page, 'evidence-items');
    expect(await seriousAccessibilityViolations(session.page)).toEqual([]);
    await form.getByRole('button', { name: 'Register and upload' }).click();

    const row = await rowTexts(table(), 'Penetration test 2026');
    expect(row.slice(0, 7)).toEqual([
      'Penetration test 2026',
      'CC4.1, CC7.1',
      'penetration test',
      '2026-06-30',
      '2027-06-30',
      'stored',
      sha256(REPORT),
    ]);
    const item = (await listed()).find((i) => i.title === 'Penetration test 2026');
    expect(item).toMatchObject({
      state: 'stored',
      sha256: sha256(REPORT),
      kind: 'penetration_test',
      criteria: ['CC4.1', 'CC7.1'],
      effectiveAt: '2026-06-30T00:00:00.000Z',
    });
    expect(session.errors).toEqual([]);
  });

  it("shows the API's refusal of a bad criterion next to the field", async () => {
    await signIn(session.page, admin, PASSWORD, pagePath());
    const form = session.page.getByRole('form', { name: 'Register an evidence item' });
    await form.getByLabel('Title').fill('Unknown criterion');
    await form.getByLabel(/^Criteria/).fill('CC9.9');
    await form.getByLabel('Effective date').fill('2026-06-30');
    await form.getByLabel(/^File/).setInputFiles({
      name: 'x.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('x'),
    });
    await form.getByRole('button', { name: 'Register and upload' }).click();
    const criteria = form.getByLabel(/^Criteria/);
    await form.locator('[aria-invalid="true"]').waitFor();
    const describedBy = (await criteria.getAttribute('aria-describedby'))!;
    expect(await session.page.locator(`[id="${describedBy}"]`).innerText()).toMatch(
      /^unknown criterion "CC9\.9"; valid criteria: /,
    );
    expect((await listed()).map((i) => i.title)).not.toContain('Unknown criterion');
  });

  it("uploads the file of an item awaiting it from the item's row", async () => {
    await signIn(session.page, admin, PASSWORD, pagePath());
    expect((await rowTexts(table(), 'Risk register'))[5]).toBe('awaiting upload');
    const risk = Buffer.from('risk,impact\nkey leak,high\n');
    await session.page.getByLabel('File for Risk register').setInputFiles({
      name: 'risk.csv',
      mimeType: 'text/csv',
      buffer: risk,
    });
    await session.page
      .getByRole('form', { name: 'Upload Risk register' })
      .getByRole('button', { name: 'Upload' })
      .click();
    await session.page.getByRole('link', { name: 'Download risk.csv' }).waitFor();
    expect((await listed()).find((i) => i.title === 'Risk register')?.sha256).toBe(sha256(risk));
  });

  it('is read-only for an auditor, with download links, and survives a reload', async () => {
    await signIn(session.page, auditor, PASSWORD, pagePath());
    await table().waitFor();
    await session.page.getByText(/^Read-only/).waitFor();
    expect(await session.page.locator('form').count()).toBe(0);
    await session.page.getByRole('link', { name: 'Download training-2024.csv' }).waitFor();
    await session.page.reload();
    await table().waitFor();
    expect(await session.page.locator('form').count()).toBe(0);
    expect(session.errors).toEqual([]);
  });

  it('tells a member about permission', async () => {
    await signIn(session.page, member, PASSWORD, pagePath());
    await session.page.getByText(/permission/).waitFor();
    expect(await session.page.getByRole('table').count()).toBe(0);
    expect(await session.page.locator('form').count()).toBe(0);
  });
});
