import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { exampleModule, type Paths } from './support/example-module';
import { KEYFLOW_CLI, ROOT, eventually, freePort, startKeyflow, type KeyflowProcess } from './support/keyflow-process';

// The web console in a real headless Chromium (Debian's package, installed by
// tools/chromium/ensure-chromium.sh when missing) against the example app run by `keyflow run`
// under a workload: the page loads without console errors, shows the app's functions with
// numbers that move, and an address lookup shows the value the test wrote. `keyflow state`
// prints the same from the terminal. The screenshot is kept in e2e/test-artifacts/.

const ARTIFACTS = join(ROOT, 'e2e', 'test-artifacts');

/** What the test reads of a page's elements (the e2e project compiles without the DOM types). */
interface Text {
  readonly textContent: string | null;
}

/** Chromium's path, installing it first when the machine has none. */
function chromiumPath(): string {
  const result = spawnSync('bash', [join(ROOT, 'tools', 'chromium', 'ensure-chromium.sh')], { encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) {
    throw new Error(`Chromium is needed for the console test and could not be installed (tools/chromium/ensure-chromium.sh):\n${result.stderr}`);
  }
  return result.stdout.trim().split('\n').at(-1) ?? '';
}

describe('the web console in Chromium', () => {
  let paths: Paths;
  let keyflow: KeyflowProcess | undefined;
  let browser: Browser | undefined;
  let adminUrl: string;
  let greeting = true;
  let workload: Promise<void> | undefined;

  beforeAll(async () => {
    const executablePath = chromiumPath();
    paths = await exampleModule();
    const adminPort = await freePort();
    keyflow = await startKeyflow(['--module', paths.module, '--state-dir', paths.state, '--port-admin', String(adminPort)]);
    adminUrl = `http://127.0.0.1:${adminPort}`;
    expect(keyflow.output()).toContain(`Console: ${adminUrl}/`);
    browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 600_000);

  afterAll(async () => {
    greeting = false;
    await workload;
    await browser?.close();
    keyflow?.child.kill('SIGTERM');
    await keyflow?.exited;
    await rm(paths.dir, { recursive: true, force: true });
  });

  const post = (path: string, body: string): Promise<Response> =>
    fetch(`http://127.0.0.1:${paths.port}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  /** Greets a few people every 100 ms until the test ends: the numbers the page shows must move. */
  function startGreeting(): void {
    workload = (async () => {
      for (let round = 0; greeting; round++) {
        await Promise.all(['Ann', 'Bob', 'Cy'].map((name) => post(`/greeter/${name}${round % 5}`, name)));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
  }

  const messagesShown = async (page: Page, functionType: string): Promise<number> =>
    page.$eval(`[data-function="${functionType}"] .messages`, (node: Text) => Number((node.textContent ?? '').replace(/,/g, '')));

  it('shows the example app live and an address as the test wrote it', async () => {
    expect((await post('/cart/c1', JSON.stringify({ op: 'add', sku: 'tea', quantity: 2, priceCents: 450 }))).status).toBe(202);
    startGreeting();

    const page = await (browser as Browser).newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${(error as Error).message}`));
    page.on('requestfailed', (request) => problems.push(`request: ${request.url()} ${request.failure()?.errorText ?? ''}`));
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(`${adminUrl}/`, { waitUntil: 'load' });

    await page.waitForSelector('[data-function="example/greeter"] .messages', { timeout: 20_000 });
    await page.waitForSelector('[data-function="example/cart"]', { timeout: 20_000 });
    const first = await messagesShown(page, 'example/greeter');
    const later = await eventually(async () => {
      const shown = await messagesShown(page, 'example/greeter');
      return shown > first ? shown : undefined;
    }, 'the greeter count on the page to move', 20_000);
    expect(later).toBeGreaterThan(first);
    expect(await page.$eval('#status', (node: Text) => node.textContent)).toBe('running');
    expect(await page.$$eval('#egresses tbody tr', (rows: Text[]) => rows.map((row) => row.textContent ?? ''))).toEqual(
      expect.arrayContaining([expect.stringContaining('example/greetings')]),
    );

    await page.type('#lookup-type', 'example/cart');
    await page.type('#lookup-id', 'c1');
    await page.click('#lookup-form button');
    await page.waitForSelector('pre.state-value[data-state="lines"]', { timeout: 10_000 });
    const lines = JSON.parse(await page.$eval('pre.state-value[data-state="lines"]', (node: Text) => node.textContent ?? '')) as Record<string, unknown>;
    expect(lines).toEqual({ tea: { sku: 'tea', quantity: 2, priceCents: 450 } });
    const address = await page.$eval('#address', (node: Text) => node.textContent ?? '');
    expect(address).toContain('(after-write 30 d)');
    expect(address).toMatch(/tea: expires /);
    expect(await page.$eval('#token-form', (node: { hasAttribute(name: string): boolean }) => node.hasAttribute('hidden'))).toBe(true); // no token asked on loopback

    await page.type('#list-type', 'example/cart');
    await page.click('#list-form button');
    await page.waitForSelector('#address-list a');
    expect(await page.$$eval('#address-list a', (links: Text[]) => links.map((link) => link.textContent))).toEqual(['c1']);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 120_000);

  it('keyflow state get and list print the same from the terminal', () => {
    const get = execFileSync(process.execPath, [KEYFLOW_CLI, 'state', 'get', 'example/cart/c1', '--admin', adminUrl], { encoding: 'utf8' });
    expect(get).toContain('example/cart/c1');
    expect(get).toContain('lines (io.keyflow.types/map, map;');
    expect(get).toContain('"sku": "tea"');
    const list = execFileSync(process.execPath, [KEYFLOW_CLI, 'state', 'list', 'example/cart', '--admin', adminUrl], { encoding: 'utf8' });
    expect(list.trim()).toBe('c1');
  });
});
