// A multilingual site (tests/fixtures/multilingual) in headless Chromium:
// from an English page, the language switcher leads to its French
// translation, in French; the Arabic page is laid out right to left, its
// header's brand on the right, and its code left to right.
//
// usage: node languages.mjs PUBLIC_DIR BASE_PATH
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [dir, basePath = '/'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node languages.mjs PUBLIC_DIR BASE_PATH');
  process.exit(2);
}
const root = path.resolve(dir);
const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png',
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

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
const tab = await browser.newPage();
await tab.setViewportSize({ width: 1280, height: 800 });

await tab.goto(`${origin}${basePath}posts/hello/`, { waitUntil: 'load' });
await tab.click('.lang-switch a[hreflang="fr"]');
await tab.waitForLoadState('load');
const french = new URL(tab.url()).pathname;
if (french !== `${basePath}fr/posts/hello/`) problems.push(`the switcher led to ${french}, not the French page`);
const lang = await tab.evaluate(() => document.documentElement.lang);
if (lang !== 'fr') problems.push(`the French page says lang="${lang}"`);
const title = await tab.textContent('h1');
if (!title || !title.includes('Bonjour')) problems.push(`the French page's heading is "${title}"`);

await tab.goto(`${origin}${basePath}ar/about/`, { waitUntil: 'load' });
const layout = await tab.evaluate(() => {
  const brand = document.querySelector('.brand').getBoundingClientRect();
  return {
    direction: getComputedStyle(document.documentElement).direction,
    brandRight: brand.right,
    width: document.documentElement.clientWidth,
  };
});
if (layout.direction !== 'rtl') problems.push(`the Arabic page is laid out ${layout.direction}`);
if (layout.brandRight < layout.width / 2) problems.push('the Arabic page keeps its brand on the left');

// Code reads left to right on a right-to-left page.
await tab.goto(`${origin}${basePath}ar/posts/hello/`, { waitUntil: 'load' });
const code = await tab.evaluate(() => getComputedStyle(document.querySelector('pre')).direction);
if (code !== 'ltr') problems.push(`a code block on the Arabic page is laid out ${code}`);

await browser.close();
server.close();
for (const p of problems) console.error(p);
console.log(problems.length === 0 ? 'languages: passed' : 'languages: failed');
process.exit(problems.length === 0 ? 0 : 1);
