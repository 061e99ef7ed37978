// Prints what a search page fetches: to load, and then to answer a first
// query, in bytes as served and as a compressing host would send them
// (Pagefind's index files are compressed already). Not a test: bench/search
// uses it for its figures.
//
// usage: node fetched.mjs PUBLIC_DIR BASE_PATH QUERY
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const [dir, basePath, query] = process.argv.slice(2);
if (!query) {
  console.error('usage: node fetched.mjs PUBLIC_DIR BASE_PATH QUERY');
  process.exit(2);
}
const root = path.resolve(dir);
const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.js': 'text/javascript', '.json': 'application/json',
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
const tab = await browser.newPage();
let phase = 'load';
const fetched = { load: [], query: [] };
tab.on('response', async (r) => {
  const entry = { url: r.url().slice(origin.length), bytes: 0, sent: 0 };
  fetched[phase].push(entry);
  const body = await r.body().catch(() => Buffer.alloc(0));
  entry.bytes = body.length;
  const text = /\.(html|css|js|json)$|\/$/.test(new URL(r.url()).pathname);
  entry.sent = text ? zlib.gzipSync(body).length : body.length;
});
await tab.goto(`${origin}${basePath}search/`, { waitUntil: 'networkidle' });
phase = 'query';
await tab.locator('.pagefind-ui__search-input').fill(query);
await tab.locator('.pagefind-ui__result-link').first().waitFor({ timeout: 60000 });
await tab.waitForLoadState('networkidle');
const summary = await tab.locator('.pagefind-ui__message').textContent();
await browser.close();
server.close();

for (const name of ['load', 'query']) {
  const list = fetched[name];
  const bytes = list.reduce((n, e) => n + e.bytes, 0);
  const sent = list.reduce((n, e) => n + e.sent, 0);
  console.log(`${name}: ${list.length} files, ${bytes} bytes, ${sent} bytes compressed`);
  for (const e of list) console.log(`  ${e.bytes}\t${e.sent}\t${e.url}`);
}
console.log(`results: ${summary.trim()}`);
