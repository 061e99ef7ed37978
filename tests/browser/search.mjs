// Types a query into the search page of a built site in headless Chromium
// and waits for the expected result; fails on any console error, page
// error, failed request or request to another host, and when the page
// without JavaScript does not explain itself and link to the lists.
//
// usage: node search.mjs PUBLIC_DIR BASE_PATH QUERY RESULT_PATH RESULT_TITLE
// RESULT_PATH is the result's URL path under BASE_PATH (`projects/x/`).
// SHOTS=DIR keeps screenshots of the page in light and dark.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [dir, basePath, query, resultPath, resultTitle] = process.argv.slice(2);
if (!resultTitle) {
  console.error('usage: node search.mjs PUBLIC_DIR BASE_PATH QUERY RESULT_PATH RESULT_TITLE');
  process.exit(2);
}
const root = path.resolve(dir);
const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.js': 'text/javascript', '.json': 'application/json', '.xml': 'application/xml',
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  let rel = decodeURIComponent(url.pathname);
  if (!rel.startsWith(basePath)) { res.writeHead(404).end(); return; }
  let file = path.join(root, rel.slice(basePath.length));
  if (!file.startsWith(root)) { res.writeHead(400).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;
const searchPage = `${origin}${basePath}search/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  // Playwright gives every launch a fresh, empty profile folder of its own.
});
const problems = [];
const shots = process.env.SHOTS;

function watch(tab, where) {
  tab.on('console', (m) => { if (m.type() === 'error') problems.push(`${where}: console error: ${m.text()}`); });
  tab.on('pageerror', (e) => problems.push(`${where}: page error: ${e.message}`));
  tab.on('requestfailed', (r) => problems.push(`${where}: request failed: ${r.url()} (${r.failure()?.errorText})`));
  tab.on('request', (r) => {
    if (!r.url().startsWith(origin)) problems.push(`${where}: request to another host: ${r.url()}`);
  });
  tab.on('response', (r) => { if (r.status() >= 400) problems.push(`${where}: HTTP ${r.status()} for ${r.url()}`); });
}

// With JavaScript: the query finds the page, linked under the base path.
for (const scheme of ['light', 'dark']) {
  const context = await browser.newContext({ colorScheme: scheme });
  const tab = await context.newPage();
  watch(tab, `search (${scheme})`);
  await tab.goto(searchPage, { waitUntil: 'load' });
  const input = tab.locator('.pagefind-ui__search-input');
  await input.waitFor({ timeout: 30000 });
  await input.fill(query);
  const link = tab.locator('.pagefind-ui__result-link').first();
  await link.waitFor({ timeout: 30000 });
  const href = await link.getAttribute('href');
  const title = (await link.textContent()).trim();
  if (href !== `${basePath}${resultPath}`) problems.push(`search (${scheme}): first result links to ${href}, not ${basePath}${resultPath}`);
  if (title !== resultTitle) problems.push(`search (${scheme}): first result is "${title}", not "${resultTitle}"`);
  if (shots) await tab.screenshot({ path: path.join(shots, `search-${scheme}.png`), fullPage: true });
  await context.close();
}

// Without JavaScript: no box, but the words that say why, and the lists.
{
  const context = await browser.newContext({ javaScriptEnabled: false });
  const tab = await context.newPage();
  watch(tab, 'search (no JavaScript)');
  await tab.goto(searchPage, { waitUntil: 'load' });
  const explained = await tab.locator('.search-no-script').isVisible();
  if (!explained) problems.push('search (no JavaScript): no visible explanation');
  const lists = await tab.locator('.search-browse a').count();
  if (lists === 0) problems.push('search (no JavaScript): no links to the lists');
  if (shots) await tab.screenshot({ path: path.join(shots, 'search-no-js.png'), fullPage: true });
  await context.close();
}

await browser.close();
server.close();
for (const p of problems) console.error(p);
console.log(problems.length === 0 ? 'search: passed' : `search: ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
