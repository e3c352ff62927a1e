/**
 * The portal for every role of CONTRACT §1, in a real browser through Hosting: roles with
 * audit:read see the dashboard and the evidence the API gives them; the others see "permission"
 * and nothing of the evidence (and the API refuses them too, so nothing is hidden only by the
 * page). Also the account picker for a user of two accounts, a wrong password, and signing out
 * without leaving a token behind.
 */
import type { Browser, Page } from 'playwright-core';
import { can, ROLES, type Role } from '../../../functions/domain/roles';
import type { EvidenceReport } from '../../../functions/schema/evidence';
import { closeIdTokenApp } from '../../../scripts/localStack/idTokens';
import {
  collectPageErrors,
  launchChromium,
  portalOrigin,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
} from '../../support/browser';
import {
  accountWithEveryRole,
  addMember,
  callApi,
  createAccount,
  uniqueAccountId,
  type MemberFixture,
} from '../../support/world';

// Generous: on a busy 2-core machine the Functions emulator may start a worker process per
// concurrent request of the dashboard, which takes tens of seconds.
jest.setTimeout(300_000);
const PAGE_TIMEOUT_MS = 90_000;

const PASSWORD = 'roles-test-password';
/** A JSON Web Token (an ID token) anywhere in a string. */
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\./;

let browser: Browser;
let accountId: string;
let members: Record<Role, MemberFixture & { token: string }>;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ({ accountId, members } = await accountWithEveryRole('roles', {}, { password: PASSWORD }));
  const evaluated = await callApi('/compliance/evaluate', {
    method: 'POST',
    token: members.owner.token,
    body: { accountId },
  });
  expect(evaluated.status).toBe(200);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await closeIdTokenApp();
});

beforeEach(async () => {
  // A fresh context per test: no Firebase session carried over from the previous sign-in.
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  pageErrors = collectPageErrors(page);
});

afterEach(async () => {
  await page.context().close();
});

async function apiAs<T>(role: Role, path: string): Promise<{ status: number; json: T }> {
  const answer = await callApi(path, { token: members[role].token, query: { accountId } });
  return { status: answer.status, json: answer.json as T };
}

const READERS = ROLES.filter((role) => can(role, 'audit:read'));
const NON_READERS = ROLES.filter((role) => !can(role, 'audit:read'));

describe('a role with audit:read', () => {
  it.each(READERS)(
    '%s lands on the dashboard and sees the status, controls and evidence the API gives it',
    async (role) => {
      const status = await apiAs<{
        overall: string;
        controlsPassed: number;
        controlsTotal: number;
      }>(role, '/compliance/status');
      const controls = await apiAs<{ controls: { id: string }[] }>(role, '/compliance/controls');
      const report = await apiAs<EvidenceReport>(role, '/soc2-evidence');
      expect([status.status, controls.status, report.status]).toEqual([200, 200, 200]);

      await signIn(page, members[role], PASSWORD);
      await page.waitForURL(`**/accounts/${accountId}`);
      await page.getByRole('heading', { name: 'Controls' }).waitFor();
      const { overall, controlsPassed, controlsTotal } = status.json;
      await page
        .getByText(`Overall status: ${overall} (${controlsPassed}/${controlsTotal} controls pass`)
        .waitFor();
      const table = page.getByRole('table', { name: /Every control/ });
      expect(await table.locator('tbody tr').count()).toBe(controls.json.controls.length);

      await page.getByRole('link', { name: 'Evidence', exact: true }).click();
      const memberTable = page.getByRole('table', { name: 'Members' });
      const reviewed = report.json.sections.accessReview!.data.members;
      expect(reviewed.map((m) => m.email).sort()).toEqual(
        Object.values(members)
          .map((m) => m.email)
          .sort(),
      );
      for (const { email } of reviewed) {
        await memberTable.getByRole('cell', { name: email, exact: true }).waitFor();
      }
      const statuses = Object.values(report.json.sections).map((s) => s!.status);
      for (const shown of ['ok', 'degraded']) {
        expect(await page.getByText(new RegExp(`^Status: ${shown}; collected`)).count()).toBe(
          statuses.filter((s) => s === shown).length,
        );
      }
      expect(pageErrors).toEqual([]);
    },
  );
});

describe('a role without audit:read', () => {
  it.each(NON_READERS)(
    '%s is refused by the API and sees "permission" and no evidence on every page',
    async (role) => {
      for (const path of ['/compliance/status', '/compliance/controls', '/soc2-evidence']) {
        expect((await apiAs(role, path)).status).toBe(403);
      }

      await signIn(page, members[role], PASSWORD);
      await page.waitForURL(`**/accounts/${accountId}`);
      await page.getByText(/permission/).waitFor();
      expect(await page.getByRole('table').count()).toBe(0);

      await page.getByRole('link', { name: 'Evidence', exact: true }).click();
      await page.waitForURL(`**/accounts/${accountId}/evidence`);
      await page.getByText(/permission/).waitFor();
      expect(await page.getByRole('heading', { name: 'Access review' }).count()).toBe(0);
      expect(await page.getByRole('table').count()).toBe(0);
      expect(await page.getByText(members.owner.email).count()).toBe(0);
      // The browser reports the API's 403s itself; nothing else may fail.
      expect(pageErrors.filter((e) => !/status of 403/.test(e))).toEqual([]);
    },
  );
});

describe('signing in', () => {
  it('shows the accounts of a user of two as links, without going into either', async () => {
    const second = await createAccount(uniqueAccountId('roles-second'), {
      name: 'Second account',
    });
    const both = await addMember(accountId, { role: 'auditor' }, { password: PASSWORD });
    await addMember(second, { uid: both.uid, email: both.email, role: 'viewer' });

    await signIn(page, both, PASSWORD);
    await page.getByRole('heading', { name: 'Your accounts' }).waitFor();
    await page.getByRole('link', { name: 'Second account' }).waitFor();
    await page.getByRole('link', { name: accountId }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await screenshot(page, 'accounts');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Second account' }).click();
    await page.waitForURL(`**/accounts/${second}`);
    await page.getByText(/permission/).waitFor();
    expect(pageErrors.filter((e) => !/status of 403/.test(e))).toEqual([]);
  });

  it('says a wrong password next to the form, which stays usable', async () => {
    await page.goto(`${portalOrigin()}/`);
    await page.getByRole('heading', { name: /Sign in/ }).waitFor();
    await screenshot(page, 'sign-in');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Email').fill(members.auditor.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const form = page.locator('form');
    await form.getByRole('alert').getByText('Wrong email or password.').waitFor();
    expect(await page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**/accounts/${accountId}`);
    // The Auth emulator's 400 for the wrong password is the only console line.
    expect(pageErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});

describe('a user with a second factor', () => {
  it('is told the portal cannot sign in with one yet, not shown a raw error code', async () => {
    const withPhone = await addMember(
      accountId,
      { role: 'admin' },
      { password: PASSWORD, mfaPhoneNumbers: ['+16505550199'] },
    );
    await signIn(page, withPhone, PASSWORD);
    await page
      .locator('form')
      .getByRole('alert')
      .getByText('This user has a second factor enrolled', { exact: false })
      .waitFor();
    // The Auth emulator answers the first factor with a pending second one, no console error.
    expect(pageErrors).toEqual([]);
  });
});

/** The browser globals read below (the tests compile without the DOM library). */
interface BrowserStorage {
  indexedDB: {
    open(name: string): {
      result: IdbDatabase;
      error: unknown;
      onsuccess: () => void;
      onerror: () => void;
    };
  };
  localStorage: WebStorage;
  sessionStorage: WebStorage;
}
interface IdbDatabase {
  transaction(
    store: string,
    mode: 'readonly',
  ): {
    objectStore(name: string): {
      getAll(): {
        result: { value: StoredUser }[];
        error: unknown;
        onsuccess: () => void;
        onerror: () => void;
      };
    };
  };
}
/** Firebase Auth's stored user, as far as read here. */
interface StoredUser {
  stsTokenManager: { accessToken: string };
}
interface WebStorage {
  [key: string]: unknown;
  getItem(key: string): string | null;
}

/** What Firebase Auth keeps in its IndexedDB persistence: the signed-in user, if any. */
function storedFirebaseUsers(): Promise<StoredUser[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const { indexedDB } = globalThis as unknown as BrowserStorage;
        const open = indexedDB.open('firebaseLocalStorageDb');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result
            .transaction('firebaseLocalStorage', 'readonly')
            .objectStore('firebaseLocalStorage')
            .getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => resolve(all.result.map((entry) => entry.value));
        };
      }),
  );
}

/** Every localStorage and sessionStorage entry, as `key=value`. */
function webStorage(): Promise<string[]> {
  return page.evaluate(() => {
    const { localStorage, sessionStorage } = globalThis as unknown as BrowserStorage;
    return [localStorage, sessionStorage].flatMap((store) =>
      Object.keys(store).map((key) => `${key}=${store.getItem(key)}`),
    );
  });
}

describe('signing out', () => {
  it('forgets the session, and no URL or web storage ever carries a token', async () => {
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    page.on('framenavigated', (frame) => urls.push(frame.url()));

    await signIn(page, members.auditor, PASSWORD, `/accounts/${accountId}/evidence`);
    await page.getByRole('heading', { name: 'Access review', level: 2 }).waitFor();
    const [signedIn] = await storedFirebaseUsers();
    const idToken = signedIn.stsTokenManager.accessToken;
    expect(idToken).toMatch(JWT);
    expect(await webStorage()).not.toEqual(expect.arrayContaining([expect.stringMatching(JWT)]));

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await storedFirebaseUsers()).toEqual([]);
    expect(await webStorage()).not.toEqual(expect.arrayContaining([expect.stringMatching(JWT)]));
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Access review' }).count()).toBe(0);

    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((url) => url.includes(idToken) || JWT.test(url))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
