// Tier 2: the dashboard in Debian's headless Chromium (never a downloaded browser).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startStack } from './stack.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(!existsSync(CHROMIUM))('dashboard in a browser', () => {
  it('starts a task from the form and shows it complete', async () => {
    const s = await startStack();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    onTestFinished(() => browser.close());
    const page = await browser.newPage();
    await page.goto(`${s.url}/`);
    expect(await page.locator('#services tr[data-service="worker"]').count()).toBe(1);
    await page.selectOption('select[name="kind"]', 'long');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${s.url}/`);
    const row = page.locator('#tasks tr[data-id]').first();
    expect(await row.locator('td').nth(1).textContent()).toBe('long');
    // the page refreshes its rows in place; wait for the worker's result to show up
    await page.locator('#tasks tr[data-state="done"]').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('#tasks tr[data-state="done"] progress').first().getAttribute('value')).toBe('100');
  });
});
