import { createHash } from 'node:crypto';
import { STATUS_PAGE_SCRIPT } from './status-page-script.js';
import { STATUS_PAGE_STYLE } from './status-page-style.js';

const BODY = `
<header>
  <h1>ossa-gateway status</h1>
  <span class="meta" id="service"></span>
  <span class="meta" id="uptime"></span>
  <span class="live"><span class="dot" id="dot"></span><span id="updated">connecting</span></span>
</header>
<main>
  <div class="banner" id="banner"></div>
  <div class="tiles">
    <div class="tile" id="tile-rps"><div class="label">Requests / s</div><div class="value" id="rps">&mdash;</div><div class="sub" id="rps-sub"></div></div>
    <div class="tile" id="tile-errors"><div class="label">Error rate</div><div class="value" id="error-rate">&mdash;</div><div class="sub" id="error-sub"></div></div>
    <div class="tile"><div class="label">Latency p50</div><div class="value" id="p50">&mdash;</div><div class="sub">last minute</div></div>
    <div class="tile"><div class="label">Latency p95</div><div class="value" id="p95">&mdash;</div><div class="sub">last minute</div></div>
    <div class="tile"><div class="label">Cache hit rate</div><div class="value" id="hit-rate">&mdash;</div><div class="sub" id="hit-sub"></div></div>
    <div class="tile"><div class="label">Tool calls</div><div class="value" id="tool-calls">&mdash;</div><div class="sub" id="tool-sub"></div></div>
    <div class="tile" id="tile-rejections"><div class="label">Rate-limit rejections</div><div class="value" id="rejections">&mdash;</div><div class="sub" id="rejections-sub"></div></div>
    <div class="tile"><div class="label">Gateway overhead p95</div><div class="value" id="overhead">&mdash;</div><div class="sub">time outside upstream calls</div></div>
  </div>
  <section>
    <h2>Traffic, last minute</h2>
    <svg class="chart" viewBox="0 0 600 90" preserveAspectRatio="none" role="img" aria-label="requests and errors per second">
      <polyline class="requests" id="chart-requests" points=""></polyline>
      <polyline class="errors" id="chart-errors" points=""></polyline>
    </svg>
    <div class="legend"><span><span class="swatch requests"></span>requests/s</span><span><span class="swatch errors"></span>5xx/s</span><span id="chart-max"></span></div>
  </section>
  <section>
    <h2>Providers</h2>
    <table>
      <thead><tr><th>Provider</th><th>Type</th><th>Circuit</th><th>Since</th><th class="num">Served</th><th class="num">Failed</th><th class="num">Upstream errors</th><th class="num">Retries</th><th class="num">Fallbacks</th><th>Detail</th></tr></thead>
      <tbody id="providers"></tbody>
    </table>
  </section>
  <section>
    <h2>Last errors</h2>
    <table>
      <thead><tr><th>Time</th><th>Request id</th><th>Agent</th><th>Provider</th><th class="num">Status</th><th>Kind</th><th>Message</th></tr></thead>
      <tbody id="errors"></tbody>
    </table>
    <div class="empty" id="errors-empty">No errors in memory.</div>
  </section>
</main>`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The whole page: one self-contained document, no build step, no external resource. */
export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>ossa-gateway status</title>
<style>${STATUS_PAGE_STYLE}</style>
</head>
<body>${BODY}
<script>${STATUS_PAGE_SCRIPT}</script>
</body>
</html>
`;

/**
 * Headers the page is served with: a Content-Security-Policy that allows exactly its own
 * inline style and script (by hash) and requests to its own origin, and nothing else.
 */
export const STATUS_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': [
    "default-src 'none'",
    `script-src ${sha256(STATUS_PAGE_SCRIPT)}`,
    `style-src ${sha256(STATUS_PAGE_STYLE)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
};
