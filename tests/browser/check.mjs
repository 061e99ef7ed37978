// Opens pages of a built site in headless Chromium and fails on any console
// error, page error, failed request, HTTP error or request to another host,
// and on a page wider than the screen (sideways scrolling) at 320, 390 and
// 1280 px, light and dark.
//
// usage: node check.mjs PUBLIC_DIR BASE_PATH PAGE...
// The site is served from PUBLIC_DIR under BASE_PATH on 127.0.0.1 (a free
// port), by a small static server in this process.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [dir, basePath = '/', ...pages] = process.argv.slice(2);
if (!dir || pages.length === 0) {
  console.error('usage: node check.mjs PUBLIC_DIR BASE_PATH PAGE...');
  process.exit(2);
}
const root = path.resolve(dir);
const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.xml': 'application/xml', '.txt': 'text/plain', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.webp': 'image/webp', '.ico': 'image/x-icon', '.json': 'application/json',
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  let rel = decodeURIComponent(url.pathname);
  if (!rel.startsWith(basePath)) { res.writeHead(404).end(); return; }
  rel = rel.slice(basePath.length);
  let file = path.join(root, rel);
  if (!file.startsWith(root)) { res.writeHead(400).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  // Playwright gives every launch a fresh, empty profile folder of its own.
});
const problems = [];
for (const page of pages) {
  const tab = await browser.newPage();
  const where = `${basePath}${page}`;
  tab.on('console', (m) => { if (m.type() === 'error') problems.push(`${where}: console error: ${m.text()}`); });
  tab.on('pageerror', (e) => problems.push(`${where}: page error: ${e.message}`));
  tab.on('requestfailed', (r) => problems.push(`${where}: request failed: ${r.url()} (${r.failure()?.errorText})`));
  tab.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) problems.push(`${where}: request to another host: ${r.url()}`);
  });
  tab.on('response', (r) => { if (r.status() >= 400) problems.push(`${where}: HTTP ${r.status()} for ${r.url()}`); });
  const response = await tab.goto(`${origin}${where}`, { waitUntil: 'load' });
  if (!response || response.status() !== 200) problems.push(`${where}: page answered ${response?.status()}`);
  const scripts = await tab.$$eval('script:not([type="application/ld+json"])', (s) => s.length);
  if (scripts > 0) problems.push(`${where}: ${scripts} script element(s)`);
  for (const colorScheme of ['light', 'dark']) {
    await tab.emulateMedia({ colorScheme });
    for (const width of [320, 390, 1280]) {
      await tab.setViewportSize({ width, height: 800 });
      const wide = await tab.evaluate(() => document.documentElement.scrollWidth);
      if (wide > width) problems.push(`${where}: ${wide} px wide at ${width} px (${colorScheme}): the page scrolls sideways`);
    }
  }
  await tab.close();
}
await browser.close();
server.close();
for (const p of problems) console.error(p);
console.log(`${pages.length - new Set(problems.map((p) => p.split(':')[0])).size} passed, ${new Set(problems.map((p) => p.split(':')[0])).size} failed`);
process.exit(problems.length === 0 ? 0 : 1);
