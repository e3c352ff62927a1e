/**
 * The portal in a real browser (scripts/localStack/chromium.ts): page errors, screenshots, signing
 * in through the form, and axe-core's accessibility check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { closeIdTokenApp } from '../../scripts/localStack/idTokens';
import { launchChromium } from '../../scripts/localStack/chromium';
import type { MemberFixture } from './world';

export { launchChromium };

/** Console errors and uncaught exceptions of a page, collected as they happen. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/**
 * One Chromium per test file and a fresh page per test with its console errors collected; the
 * returned object holds the current test's page and errors.
 */
export function browserPerFile(): { page: Page; errors: string[] } {
  let browser: Browser | undefined;
  const session = {} as { page: Page; errors: string[] };
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await closeIdTokenApp();
  });
  beforeEach(async () => {
    session.page = await browser!.newPage();
    // A stack shared with other work answers slowly at times; waits are for content, not speed.
    session.page.setDefaultTimeout(60_000);
    session.errors = collectPageErrors(session.page);
  });
  afterEach(async () => {
    await session.page.close();
  });
  return session;
}

/** Where each run leaves a screenshot of every page (git-ignored). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The portal's origin: the Hosting site that also rewrites /api. */
export const portalOrigin = (): string => new URL(process.env.EVIDENCE_API_URL!).origin;

/** Signs in through the portal's form, starting from `path` (a deep link keeps it). */
export async function signIn(
  page: Page,
  who: MemberFixture,
  password: string,
  path = '/',
): Promise<void> {
  await page.goto(`${portalOrigin()}${path}`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const AXE_SOURCE_PATH = require.resolve('axe-core/axe.min.js');

/**
 * axe-core's serious and critical violations on the page as it is now, as "rule: target" lines.
 * The script goes in through the DevTools protocol (page.evaluate), which the page's strict CSP
 * does not apply to, so the app is checked with its real headers.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(fs.readFileSync(AXE_SOURCE_PATH, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: () => Promise<AxeResults> } }).axe;
    const results = await axe.run();
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

interface AxeResults {
  violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
}

/** A table row by the text of its first cell, as the cells' texts. */
export async function rowCellTexts(page: Page, table: Locator, first: string): Promise<string[]> {
  const row = table.locator('tbody tr', {
    has: page.getByRole('cell', { name: first, exact: true }),
  });
  await row.waitFor();
  return row.getByRole('cell').allInnerTexts();
}

/** Console errors other than the browser's note on an API answer with `status` (an expected refusal). */
export const errorsOtherThan = (errors: readonly string[], status: number) =>
  errors.filter((e) => !e.includes(`status of ${status}`));
