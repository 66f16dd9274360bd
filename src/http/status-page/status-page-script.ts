/**
 * The status page's script: polls `status.json` (relative, so a mounted prefix works) once a
 * second and redraws. Every value is written with `textContent`, never as HTML, so nothing a
 * manifest or an upstream error says can run on the page.
 */
export const STATUS_PAGE_SCRIPT = `
'use strict';
(function () {
  var POLL_MS = 1000;
  var lastUpdate = 0;
  function $(id) { return document.getElementById(id); }
  function text(id, value) { $(id).textContent = value; }
  function ms(value) {
    if (value === null || value === undefined) return '\\u2014';
    if (value >= 1000) return (value / 1000).toFixed(2) + ' s';
    if (value >= 10) return Math.round(value) + ' ms';
    return value.toFixed(value >= 1 ? 1 : 2) + ' ms';
  }
  function percent(value) {
    if (value === null || value === undefined) return '\\u2014';
    var p = value * 100;
    return (p === 0 || p >= 10 ? p.toFixed(0) : p.toFixed(1)) + '%';
  }
  function time(iso) { return iso ? new Date(iso).toLocaleTimeString() : '\\u2014'; }
  function duration(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + s + 's';
  }
  function cell(row, value, className) {
    var td = document.createElement('td');
    td.textContent = value === null || value === undefined ? '\\u2014' : String(value);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }
  function tone(id, level) { $(id).className = 'tile' + (level ? ' ' + level : ''); }

  function drawTiles(s) {
    var t = s.traffic;
    text('rps', t.rps.toFixed(t.rps >= 100 ? 0 : 2));
    text('rps-sub', t.requests + ' requests in ' + s.window_seconds + ' s');
    text('error-rate', percent(t.error_rate));
    text('error-sub', t.errors + ' answered 5xx');
    tone('tile-errors', t.error_rate >= 0.05 ? 'bad' : t.error_rate > 0 ? 'warn' : '');
    text('p50', ms(t.p50_ms));
    text('p95', ms(t.p95_ms));
    text('overhead', ms(t.overhead_p95_ms));
    text('hit-rate', percent(s.cache.hit_rate));
    text('hit-sub', s.cache.hits + ' hits, ' + s.cache.misses + ' misses');
    text('tool-calls', String(s.tools.calls));
    text('tool-sub', s.tools.errors + ' tool errors, last minute');
    var rl = s.rate_limit;
    text('rejections', String(rl.rejections));
    text('rejections-sub', 'user ' + rl.by_scope.user + ' \\u00b7 global ' + rl.by_scope.global + ' \\u00b7 agent ' + rl.by_scope.agent);
    tone('tile-rejections', rl.rejections > 0 ? 'warn' : '');
  }

  function drawChart(s) {
    var req = s.series.requests, err = s.series.errors;
    var max = Math.max(1, Math.max.apply(null, req));
    var w = 600, h = 90, n = Math.max(1, req.length - 1);
    function points(series) {
      return series.map(function (v, i) { return (i * w / n).toFixed(1) + ',' + (h - 4 - (v / max) * (h - 8)).toFixed(1); }).join(' ');
    }
    $('chart-requests').setAttribute('points', points(req));
    $('chart-errors').setAttribute('points', points(err));
    text('chart-max', 'peak ' + max + ' req/s');
  }

  function drawProviders(providers) {
    var body = $('providers');
    body.textContent = '';
    providers.forEach(function (p) {
      var row = document.createElement('tr');
      row.setAttribute('data-provider', p.name);
      row.setAttribute('data-state', p.state);
      cell(row, p.name);
      cell(row, p.type);
      var badge = document.createElement('span');
      badge.className = 'badge ' + p.state;
      badge.textContent = p.state;
      cell(row, '').appendChild(badge);
      cell(row, p.since ? time(p.since) : '\\u2014');
      cell(row, p.served, 'num');
      cell(row, p.failed, 'num');
      cell(row, p.upstream_errors, 'num');
      cell(row, p.retries, 'num');
      cell(row, p.fallbacks, 'num');
      cell(row, p.half_open_at ? (p.detail + '; trial at ' + time(p.half_open_at)) : (p.detail || ''));
      body.appendChild(row);
    });
  }

  function drawErrors(errors) {
    var body = $('errors');
    body.textContent = '';
    $('errors-empty').style.display = errors.length ? 'none' : 'block';
    errors.forEach(function (e) {
      var row = document.createElement('tr');
      cell(row, time(e.time));
      cell(row, e.request_id, 'mono');
      cell(row, e.agent);
      cell(row, e.provider);
      cell(row, e.status, 'num');
      cell(row, e.kind);
      cell(row, e.message);
      body.appendChild(row);
    });
  }

  function draw(s) {
    text('service', s.service + ' ' + s.version + ' \\u00b7 ' + s.env);
    text('uptime', 'up ' + duration(s.uptime_seconds));
    drawTiles(s);
    drawChart(s);
    drawProviders(s.providers);
    drawErrors(s.recent_errors);
    document.body.setAttribute('data-updated', s.time);
  }

  function live(ok, message) {
    $('dot').className = 'dot ' + (ok ? 'on' : 'lost');
    $('banner').className = 'banner' + (ok ? '' : ' shown');
    if (!ok) text('banner', message);
  }

  function poll() {
    fetch('status.json', { cache: 'no-store', credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('the gateway answered ' + res.status);
        return res.json();
      })
      .then(function (s) { draw(s); lastUpdate = Date.now(); live(true); })
      .catch(function (err) { live(false, 'No data from the gateway: ' + err.message + '. Retrying every second.'); })
      .then(function () { setTimeout(poll, POLL_MS); });
  }
  setInterval(function () {
    text('updated', lastUpdate ? 'updated ' + ((Date.now() - lastUpdate) / 1000).toFixed(0) + ' s ago' : 'connecting');
  }, 500);
  poll();
})();
`;
