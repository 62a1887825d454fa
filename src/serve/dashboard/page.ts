/**
 * The dashboard page: plain HTML, CSS and a little JavaScript, served from
 * memory (no build step, no CDN, works offline). The script only ever
 * writes data with textContent and DOM calls, never innerHTML, so a schema
 * named `<script>` is just text.
 */

/** The page's HTML shell (no data in it). */
export const PAGE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cutover · fleet</title>
<link rel="stylesheet" href="/dashboard.css">
</head>
<body>
<header>
  <h1><a href="#" id="home">cutover</a> <span class="sub">fleet</span></h1>
  <span id="live" class="live" title="live updates">connecting…</span>
  <span id="read-at" class="muted"></span>
</header>
<p id="error" class="error" hidden></p>
<main id="overview-view">
  <section class="cards" id="cards"></section>
  <section>
    <h2>Targets by version <span class="muted" id="newest"></span></h2>
    <div id="heat" class="heat" role="img" aria-label="targets by applied version"></div>
    <div id="heat-legend" class="legend"></div>
  </section>
  <section class="row">
    <div class="panel"><h2>Post step</h2><p id="post"></p><ul id="post-reasons" class="reasons"></ul></div>
    <div class="panel"><h2>App instances</h2>
      <table id="instances"><thead><tr><th>app version</th><th>knows up to</th><th>live</th><th>expired</th></tr></thead><tbody></tbody></table>
    </div>
  </section>
  <section>
    <h2>Targets <span class="muted" id="targets-count"></span></h2>
    <div class="controls">
      <input id="search" type="search" placeholder="search schema or database" aria-label="search">
      <select id="state" aria-label="state"><option value="">every state</option></select>
    </div>
    <table id="targets">
      <thead><tr>
        <th data-sort="schema">schema</th><th data-sort="database">database</th><th data-sort="state">state</th>
        <th data-sort="version">version</th><th>pending pre / post</th><th data-sort="lastApplied">last applied (UTC)</th>
      </tr></thead>
      <tbody></tbody>
    </table>
    <div class="pager"><button id="prev" type="button">‹ prev</button> <span id="page-info"></span> <button id="next" type="button">next ›</button></div>
  </section>
  <section class="row">
    <div class="panel"><h2>Migration durations <span class="muted">p50 · p95 · max over targets</span></h2><div id="durations"></div></div>
    <div class="panel"><h2>Last run <span class="muted" id="timeline-title"></span></h2><div id="timeline"></div></div>
  </section>
</main>
<main id="target-view" hidden>
  <p><a href="#" id="back">← fleet</a></p>
  <h2 id="target-title"></h2>
  <section id="failures"></section>
  <section id="invalid"></section>
  <section id="target-instances"></section>
  <h3>Ledger</h3>
  <table id="ledger"><thead><tr><th>version</th><th>name</th><th>phase</th><th>state</th><th>applied at (UTC)</th><th>duration</th></tr></thead><tbody></tbody></table>
  <h3>Audit</h3>
  <table id="audit"><thead><tr><th>at (UTC)</th><th>version</th><th>action</th><th>by</th><th>reason</th></tr></thead><tbody></tbody></table>
</main>
<script src="/dashboard.js"></script>
</body>
</html>
`;

/** The page's styles. */
export const PAGE_CSS = String.raw`
:root { --bg: #f7f7f5; --fg: #1d1d1b; --muted: #6b6b66; --line: #deded8; --ok: #2f8f4e; --warn: #c98a12; --bad: #c0392b; --info: #2d6cb5; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; gap: 16px; align-items: baseline; padding: 12px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { margin: 0; font-size: 18px; } header h1 a { color: inherit; text-decoration: none; } .sub { color: var(--muted); font-weight: normal; }
main { padding: 16px 24px; max-width: 1280px; }
h2 { font-size: 15px; margin: 18px 0 8px; } h3 { font-size: 14px; margin: 16px 0 6px; }
.muted { color: var(--muted); font-weight: normal; font-size: 12px; }
.live { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #eee; }
.live.on { background: #dff3e4; color: var(--ok); } .live.poll { background: #fdf1d8; color: var(--warn); }
.error { margin: 12px 24px; padding: 8px 12px; background: #fbe3e0; color: var(--bad); border-radius: 4px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; cursor: pointer; }
.card .n { font-size: 24px; font-weight: 600; } .card .l { color: var(--muted); font-size: 12px; }
.card.bad .n { color: var(--bad); } .card.warn .n { color: var(--warn); } .card.ok .n { color: var(--ok); }
.heat { display: flex; height: 28px; border-radius: 4px; overflow: hidden; border: 1px solid var(--line); background: #fff; }
.heat div { height: 100%; min-width: 2px; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; margin: 6px 0 14px; font-size: 12px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.row { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 14px 12px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); font-size: 13px; }
th[data-sort] { cursor: pointer; user-select: none; } th.sorted::after { content: " ▾"; } th.sorted.desc::after { content: " ▴"; }
td a { color: var(--info); }
.state { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; }
.s-failed, .s-edited, .s-unreadable { background: #fbe3e0; color: var(--bad); }
.s-pending-pre, .s-pending-post { background: #fdf1d8; color: #8a5d00; }
.s-ahead, .s-no-ledger { background: #e6eef8; color: var(--info); } .s-up-to-date { background: #dff3e4; color: var(--ok); }
.controls { display: flex; gap: 8px; margin-bottom: 8px; } .controls input { flex: 1; padding: 6px 8px; } .controls select { padding: 6px; }
.pager { margin-top: 8px; display: flex; gap: 8px; align-items: center; }
.reasons { margin: 0; padding-left: 18px; font-size: 12px; color: var(--muted); }
.allowed { color: var(--ok); font-weight: 600; } .blocked { color: var(--bad); font-weight: 600; }
.failure { background: #fff; border-left: 4px solid var(--bad); padding: 8px 12px; margin: 8px 0; }
.failure pre { white-space: pre-wrap; margin: 6px 0; font-size: 12px; }
svg text { font-size: 11px; fill: var(--muted); }
`;

/** The page's script. */
export const PAGE_JS = String.raw`
'use strict';
(function () {
  var STATES = ['failed', 'edited', 'unreadable', 'no-ledger', 'pending-pre', 'pending-post', 'ahead', 'up-to-date'];
  var token = new URLSearchParams(location.search).get('token');
  var query = { q: '', state: '', sort: 'state', desc: false, page: 1 };
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === 'text') node.textContent = props[k];
      else if (k === 'className') node.className = props[k];
      else if (k === 'css') Object.assign(node.style, props[k]); // CSSOM: the CSP forbids style attributes
      else node.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function api(path, params) {
    var search = new URLSearchParams(params || {});
    if (token) search.set('token', token);
    var qs = search.toString();
    return fetch(path + (qs ? '?' + qs : ''), { cache: 'no-store' }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || r.statusText); return body; });
    });
  }
  function showError(error) { $('error').hidden = !error; $('error').textContent = error ? String(error.message || error) : ''; }
  function time(iso) { return iso ? iso.replace('T', ' ').slice(0, 19) : ''; }
  function ms(n) { return n == null ? '' : n < 1000 ? n + ' ms' : (n / 1000).toFixed(1) + ' s'; }
  function fill(tbody, rows) { tbody.replaceChildren.apply(tbody, rows); }
  function stateBadge(state) { return el('span', { className: 'state s-' + state, text: state }); }
  function targetLink(row) {
    var params = new URLSearchParams({ database: row.database, schema: row.schema });
    return el('a', { href: '#target?' + params.toString(), text: row.schema });
  }

  function versionColour(i, n) {
    if (n <= 1) return 'var(--ok)';
    var t = i / (n - 1);
    return 'hsl(' + Math.round(10 + t * 120) + ', 55%, 48%)';
  }

  function renderOverview(o) {
    var c = o.statusCounts;
    var cards = [
      ['total', o.total, '', ''], ['up to date', c.upToDate, 'ok', 'up-to-date'], ['pending pre', c.pendingPre, 'warn', 'pending-pre'],
      ['pending post', c.pendingPost, 'warn', 'pending-post'], ['failed', c.failed, c.failed ? 'bad' : '', 'failed'], ['edited', c.edited, c.edited ? 'bad' : '', 'edited'],
      ['ahead', c.ahead, '', 'ahead'], ['no ledger', c.noLedger, '', 'no-ledger']
    ];
    fill($('cards'), cards.map(function (card) {
      var node = el('div', { className: 'card ' + card[2], 'data-count': card[0], role: 'button', tabindex: '0' }, [el('div', { className: 'n', text: String(card[1]) }), el('div', { className: 'l', text: card[0] })]);
      node.addEventListener('click', function () { query.state = card[3]; query.page = 1; $('state').value = card[3]; loadTargets(); });
      return node;
    }));
    $('newest').textContent = o.newestVersion ? 'newest ' + o.newestVersion : '';
    $('read-at').textContent = 'read ' + time(o.readAt) + ' UTC';
    var n = o.versions.length;
    fill($('heat'), o.versions.map(function (v, i) {
      return el('div', { css: { flex: String(v.count), background: versionColour(i, n) }, title: (v.version || 'nothing applied') + ': ' + v.count });
    }));
    fill($('heat-legend'), o.versions.map(function (v, i) {
      return el('span', {}, [el('i', { css: { background: versionColour(i, n) } }), (v.version || 'nothing applied') + ' · ' + v.count]);
    }));
    var p = o.post;
    $('post').replaceChildren(p.pending === 0 ? el('span', { className: 'allowed', text: 'nothing pending' })
      : p.allowed === p.pending ? el('span', { className: 'allowed', text: 'allowed now on all ' + p.pending + ' targets with a pending post migration' })
      : el('span', { className: 'blocked', text: 'held back on ' + (p.pending - p.allowed) + ' of ' + p.pending + ' targets' }));
    fill($('post-reasons'), p.reasons.map(function (r) { return el('li', { text: r }); }));
    fill($('instances').tBodies[0], o.instances.length ? o.instances.map(function (g) {
      return el('tr', {}, [el('td', { text: g.appVersion }), el('td', { text: g.knownVersion }), el('td', { text: String(g.live) }), el('td', { text: String(g.expired) })]);
    }) : [el('tr', {}, [el('td', { colspan: '4', className: 'muted', text: 'no registered instances' })])]);
    renderDurations(o.durations.slice(-12));
    renderTimeline(o.timeline);
  }

  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function renderDurations(list) {
    if (!list.length) return $('durations').replaceChildren(el('p', { className: 'muted', text: 'no timings yet' }));
    var width = 560, label = 150, row = 22, max = Math.max.apply(null, list.map(function (d) { return d.max; })) || 1;
    var chart = svg('svg', { width: '100%', viewBox: '0 0 ' + width + ' ' + (list.length * row + 6), id: 'durations-chart' });
    list.forEach(function (d, i) {
      var y = i * row + 4, scale = function (v) { return Math.max(1, (v / max) * (width - label - 160)); };
      chart.appendChild(svg('text', { x: 0, y: y + 13 }, (d.version + ' ' + d.name).slice(0, 24)));
      chart.appendChild(svg('rect', { x: label, y: y + 2, width: scale(d.max), height: 14, fill: '#f3d1cc' }));
      chart.appendChild(svg('rect', { x: label, y: y + 2, width: scale(d.p95), height: 14, fill: '#e8a99f' }));
      chart.appendChild(svg('rect', { x: label, y: y + 2, width: scale(d.p50), height: 14, fill: '#c0392b' }));
      chart.appendChild(svg('text', { x: label + scale(d.max) + 4, y: y + 13 }, ms(d.p50) + ' · ' + ms(d.p95) + ' · ' + ms(d.max)));
    });
    $('durations').replaceChildren(chart);
  }
  function renderTimeline(t) {
    $('timeline-title').textContent = t.version ? 'targets applying ' + t.version + ' over time' : '';
    if (!t.buckets.length) return $('timeline').replaceChildren(el('p', { className: 'muted', text: 'no run yet' }));
    var width = 560, height = 120, max = Math.max.apply(null, t.buckets) || 1, w = width / t.buckets.length;
    var chart = svg('svg', { width: '100%', viewBox: '0 0 ' + width + ' ' + (height + 20), id: 'timeline-chart' });
    t.buckets.forEach(function (n, i) {
      var h = (n / max) * height;
      chart.appendChild(svg('rect', { x: i * w + 1, y: height - h, width: Math.max(1, w - 2), height: h, fill: '#2d6cb5' }));
    });
    chart.appendChild(svg('text', { x: 0, y: height + 15 }, time(t.from)));
    chart.appendChild(svg('text', { x: width, y: height + 15, 'text-anchor': 'end' }, time(t.to)));
    $('timeline').replaceChildren(chart);
  }

  function loadTargets() {
    var params = { sort: query.sort, page: String(query.page) };
    if (query.desc) params.desc = '1';
    if (query.q) params.q = query.q;
    if (query.state) params.state = query.state;
    return api('/api/targets', params).then(function (page) {
      fill($('targets').tBodies[0], page.rows.map(function (r) {
        return el('tr', { 'data-schema': r.schema }, [el('td', {}, [targetLink(r)]), el('td', { text: r.database }), el('td', {}, [stateBadge(r.state)]),
          el('td', { text: r.version || '–' }), el('td', { text: r.pendingPre + ' / ' + r.pendingPost }), el('td', { text: time(r.lastApplied) })]);
      }));
      var pages = Math.max(1, Math.ceil(page.total / page.size));
      query.page = page.page;
      $('targets-count').textContent = page.total + ' shown';
      $('page-info').textContent = 'page ' + page.page + ' of ' + pages;
      $('prev').disabled = page.page <= 1;
      $('next').disabled = page.page >= pages;
      document.querySelectorAll('#targets th[data-sort]').forEach(function (th) {
        th.classList.toggle('sorted', th.dataset.sort === query.sort);
        th.classList.toggle('desc', th.dataset.sort === query.sort && query.desc);
      });
      showError(null);
    }).catch(showError);
  }
  function loadOverview() {
    return api('/api/overview').then(function (o) { renderOverview(o); showError(null); }).catch(showError);
  }
  function refresh() { return Promise.all([loadOverview(), loadTargets()]); }

  function loadTarget(params) {
    return api('/api/target', { database: params.get('database') || '', schema: params.get('schema') || '' }).then(function (t) {
      $('target-title').textContent = t.schema + ' · ' + t.database;
      $('failures').replaceChildren.apply($('failures'), t.failures.map(function (f) {
        var where = (f.file || 'version ' + f.version) + (f.line ? ':' + f.line + ':' + f.column : '') + (f.statement ? ' (statement ' + f.statement + ')' : '');
        var frame = f.excerpt ? f.line + ' | ' + f.excerpt + '\n' + ' '.repeat(String(f.line).length + 2 + f.column) + '^\n' : '';
        return el('div', { className: 'failure' }, [el('strong', { text: 'failed: ' + where }), el('pre', { className: 'frame', text: frame + f.error }), el('div', { text: f.sqlstate ? 'SQLSTATE ' + f.sqlstate : '' }), el('div', { className: 'muted', text: f.hint })]);
      }));
      $('invalid').replaceChildren.apply($('invalid'), t.invalidIndexes.length ? [el('h3', { text: 'Invalid indexes' })].concat(t.invalidIndexes.map(function (i) {
        return el('div', { className: 'failure' }, [el('strong', { text: i.index + ' on ' + i.table }), el('pre', { text: i.fix })]);
      })) : []);
      $('target-instances').replaceChildren.apply($('target-instances'), t.instances.length ? [el('h3', { text: 'Instances' })].concat(t.instances.map(function (i) {
        return el('div', { text: i.id + ' · app ' + i.appVersion + ' · knows ' + i.knownVersion + ' · last seen ' + time(i.lastSeen) });
      })) : []);
      fill($('ledger').tBodies[0], t.ledger.map(function (r) {
        var badge = el('span', { className: 'state s-' + (r.state === 'applied' ? 'up-to-date' : 'failed'), text: r.state });
        return el('tr', {}, [el('td', { text: r.version }), el('td', { text: r.name }), el('td', { text: r.phase }), el('td', {}, [badge]),
          el('td', { text: time(r.appliedAt) }), el('td', { text: ms(r.durationMs) })]);
      }));
      fill($('audit').tBodies[0], t.audit.length ? t.audit.map(function (a) {
        return el('tr', {}, [el('td', { text: time(a.at) }), el('td', { text: a.version }), el('td', { text: a.action }), el('td', { text: a.by || '' }), el('td', { text: a.reason || '' })]);
      }) : [el('tr', {}, [el('td', { colspan: '5', className: 'muted', text: 'no manual overrides recorded' })])]);
      showError(null);
    }).catch(showError);
  }

  function route() {
    var hash = location.hash.slice(1);
    var onTarget = hash.indexOf('target?') === 0;
    $('overview-view').hidden = onTarget;
    $('target-view').hidden = !onTarget;
    return onTarget ? loadTarget(new URLSearchParams(hash.slice(7))) : refresh();
  }

  STATES.forEach(function (s) { $('state').appendChild(el('option', { value: s, text: s })); });
  var typing;
  $('search').addEventListener('input', function (e) { clearTimeout(typing); typing = setTimeout(function () { query.q = e.target.value; query.page = 1; loadTargets(); }, 150); });
  $('state').addEventListener('change', function (e) { query.state = e.target.value; query.page = 1; loadTargets(); });
  $('prev').addEventListener('click', function () { query.page--; loadTargets(); });
  $('next').addEventListener('click', function () { query.page++; loadTargets(); });
  document.querySelectorAll('#targets th[data-sort]').forEach(function (th) {
    th.addEventListener('click', function () { query.desc = query.sort === th.dataset.sort ? !query.desc : false; query.sort = th.dataset.sort; loadTargets(); });
  });
  $('back').addEventListener('click', function (e) { e.preventDefault(); location.hash = ''; });
  $('home').addEventListener('click', function (e) { e.preventDefault(); location.hash = ''; });
  window.addEventListener('hashchange', route);

  // Live: server-sent events when runs announce progress; polling when they cannot reach us.
  var pending = false, polling;
  function soon() {
    if (pending) return;
    pending = true;
    setTimeout(function () { pending = false; if ($('target-view').hidden) refresh(); }, 300);
  }
  function poll() { if (!polling) polling = setInterval(function () { if ($('target-view').hidden) refresh(); }, 5000); }
  if (window.EventSource) {
    var source = new EventSource('/api/events' + (token ? '?token=' + encodeURIComponent(token) : ''));
    source.addEventListener('hello', function (e) {
      var live = JSON.parse(e.data).live;
      $('live').textContent = live ? 'live' : 'polling';
      $('live').className = 'live ' + (live ? 'on' : 'poll');
      if (!live) poll();
    });
    source.addEventListener('progress', function () { soon(); });
    source.onerror = function () { $('live').textContent = 'polling'; $('live').className = 'live poll'; poll(); };
  } else poll();
  route();
})();
`;
