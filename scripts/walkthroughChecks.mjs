// @ts-check
// Runs in Node (test tooling), called by scripts/test-ui.mjs once the installed .vsix has shown a panel: the
// Getting Started walkthrough opens from the Command Palette, and its first step's button opens the sample text
// and shows its attention in the panel. Screenshots: docs/screenshots/walkthrough.png and walkthrough-panel.png.
import path from 'node:path';

const TITLE = 'Getting Started with QKV Scope';
const FIRST_BUTTON = 'Open the sample and show attention';
const SAMPLE_TOKENS = 12;

/**
 * @param {object} options
 * @param {import('playwright-core').Page} options.page
 * @param {import('playwright-core').FrameLocator} options.panel  the panel's page, inside the webview frames
 * @param {(name: string, body: () => Promise<string | void>) => Promise<void>} options.check
 * @param {string} options.screenshotDir
 * @param {(...parts: unknown[]) => void} options.log
 */
export async function checkWalkthrough({ page, panel, check, screenshotDir }) {
  /** @param {string} command */
  const runFromPalette = async (command) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${command}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first().waitFor();
    await page.keyboard.press('Enter');
  };

  await check('"Close All Editors" closes the panel', async () => {
    await runFromPalette('View: Close All Editors');
    await page.locator('iframe.webview.ready').first().waitFor({ state: 'detached', timeout: 15_000 });
  });

  await check(`the "${TITLE}" walkthrough opens`, async () => {
    await runFromPalette('Welcome: Open Walkthrough...');
    const input = page.locator('.quick-input-widget input');
    await input.fill('QKV');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: TITLE }).first().click();
    await page.locator('.gettingStartedContainer', { hasText: TITLE }).first().waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: FIRST_BUTTON }).first().waitFor({ timeout: 15_000 });
    await page.mouse.move(0, 0);
    await page.waitForTimeout(1000); // the step's image fades in
    const file = path.join(screenshotDir, 'walkthrough.png');
    await page.screenshot({ path: file });
    return path.basename(file);
  });

  await check('its first step\'s button shows the panel on the sample sentence', async () => {
    await page.getByRole('button', { name: FIRST_BUTTON }).first().click();
    await panel.locator(`canvas[data-n="${SAMPLE_TOKENS}"]`).waitFor({ timeout: 60_000 });
    const tokens = await panel.locator('body').textContent();
    if (!tokens?.includes('pizza')) throw new Error('the panel does not show the pizza sentence');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(500);
    const file = path.join(screenshotDir, 'walkthrough-panel.png');
    await page.screenshot({ path: file });
    return path.basename(file);
  });
}
