/**
 * The accessibility check the portal tests rely on (seriousAccessibilityViolations) reports what
 * it should: a page that passes it passes because it is accessible, not because the check is
 * blind. Plain pages in Chromium, no portal needed.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium, seriousAccessibilityViolations } from '../../support/browser';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  page = await browser.newPage();
});

afterEach(async () => {
  await page.close();
});

const document = (body: string) =>
  `<!doctype html><html lang="en"><head><title>Check</title></head><body><main><h1>Check</h1>${body}</main></body></html>`;

describe('seriousAccessibilityViolations', () => {
  it('reports an unlabelled input and text too faint to read, each with its element', async () => {
    await page.setContent(
      document('<input id="nameless" type="text"><p id="faint" class="x">faint words</p>'),
    );
    await page.addStyleTag({ content: '#faint { color: #ddd; background: #fff; }' });
    const violations = await seriousAccessibilityViolations(page);
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^label: .*#nameless/),
        expect.stringMatching(/^color-contrast: .*#faint/),
      ]),
    );
  });

  it('reports nothing once the input has a label and the text enough contrast', async () => {
    await page.setContent(
      document('<label for="named">Name</label><input id="named" type="text"><p>plain words</p>'),
    );
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });
});
