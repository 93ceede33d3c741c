import { createHash } from 'node:crypto';

/**
 * The one stylesheet and the one small script of the pages. They live in a
 * module (not files read from disk) so the Lambda bundle carries them
 * without extra packaging; URLs carry a content hash so they cache forever.
 */
export const APP_CSS = String.raw`
:root {
  --ink: #1c2430; --muted: #4a5565; --line: #d5dbe3; --bg: #f4f6f9; --card: #fff;
  --brand: #0a5ca8; --brand-ink: #fff; --brand-dark: #084a87; --brand-soft: #e7f0fa;
  --ok: #0b6b3a; --ok-bg: #e3f4ea; --wait: #8a4b00; --wait-bg: #fff1db; --bad: #b02a1c; --bad-bg: #fde8e6;
  --done: #3f4856; --done-bg: #eceff3; --focus: #ffbf47; --radius: 8px;
  font-family: system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif;
  font-size: 16px; line-height: 1.6; color: var(--ink); background: var(--bg);
}
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; }
a { color: var(--brand); text-underline-offset: 2px; }
a:hover { color: var(--brand-dark); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--ink); border-radius: 2px; }
main:focus { outline: none; }
h1 { font-size: 1.5rem; line-height: 1.3; margin: 0; }
h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
h3 { font-size: 1rem; margin: 1rem 0 .5rem; }
p { margin: 0 0 .75rem; }
.muted { color: var(--muted); }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip-link { position: absolute; left: -9999px; top: 0; background: var(--focus); color: var(--ink); padding: .5rem 1rem; z-index: 10; }
.skip-link:focus { left: .5rem; top: .5rem; }

.site-header { background: var(--brand); color: var(--brand-ink); }
.site-header a { color: var(--brand-ink); }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .6rem 1rem; max-width: 72rem; margin: 0 auto; }
.brand { display: flex; align-items: center; gap: .5rem; font-weight: 700; text-decoration: none; font-size: 1.05rem; margin-right: auto; }
.brand-mark { display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: 6px; background: var(--brand-ink); color: var(--brand); font-weight: 800; }
.lang { display: flex; gap: .75rem; font-size: .9rem; }
.lang [aria-current] { font-weight: 700; text-decoration: underline; text-underline-offset: 4px; }
.account { display: flex; align-items: center; gap: .75rem; font-size: .9rem; flex-basis: 100%; justify-content: space-between; }
.account .muted { color: #d9e6f5; }
.link-button { background: none; border: 0; padding: .25rem 0; color: inherit; font: inherit; text-decoration: underline; cursor: pointer; }
.main-nav { background: var(--brand-dark); }
.main-nav ul { list-style: none; margin: 0 auto; padding: 0 .5rem; display: flex; flex-wrap: wrap; max-width: 72rem; }
.main-nav a { display: block; padding: .6rem .75rem; text-decoration: none; white-space: nowrap; border-bottom: 3px solid transparent; }
.main-nav a[aria-current="page"] { border-bottom-color: var(--focus); font-weight: 700; }
.main-nav a:hover { background: rgba(255,255,255,.1); }
.nav-badge { display: inline-block; min-width: 1.4rem; margin-left: .35rem; padding: 0 .4rem; border-radius: 999px; background: var(--focus); color: var(--ink); font-size: .78rem; font-weight: 700; line-height: 1.4rem; text-align: center; vertical-align: .1em; }

main { flex: 1; width: 100%; max-width: 72rem; margin: 0 auto; padding: 1rem; }
.site-footer { color: var(--muted); font-size: .85rem; text-align: center; padding: 1.5rem 1rem; border-top: 1px solid var(--line); }
.site-footer p { margin: 0; }

.page-header { margin: .5rem 0 1rem; }
.page-title { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .75rem; }
.lead { color: var(--muted); margin: .35rem 0 0; }
.back { display: inline-block; margin-bottom: .35rem; font-size: .9rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }

.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem; margin-bottom: 1rem; }
.card-title { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: .5rem; }
.grid { display: grid; gap: 1rem; }
.grid > *, .row > * { min-width: 0; }
.list { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; }
.shortcuts { grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); margin-bottom: 1rem; }
.card .item { border: 0; border-bottom: 1px solid var(--line); border-radius: 0; padding: .6rem 0; }
.card .item:last-child { border-bottom: 0; }
.filters .opt { display: none; }
.quick-tags a { margin-right: .5rem; }
.quick-tags a[aria-current] { font-weight: 700; }
.item { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: .85rem 1rem; }
.item h2, .item h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
.item.unread { border-left: 4px solid var(--brand); }
.item.unread > p:first-child { font-weight: 700; }
.card .item.unread { border-left: 4px solid var(--brand); padding-left: .75rem; }
.unread-mark { color: var(--brand-ink); background: var(--brand); margin-right: .5rem; }
.item-meta { display: flex; flex-wrap: wrap; gap: .25rem 1rem; color: var(--muted); font-size: .9rem; margin: .25rem 0; }
.empty { color: var(--muted); background: var(--card); border: 1px dashed var(--line); border-radius: var(--radius); padding: 1.25rem; text-align: center; }
.flash { background: var(--ok-bg); color: var(--ok); border-left: 4px solid var(--ok); padding: .65rem 1rem; border-radius: 4px; font-weight: 600; }
.notice { background: var(--brand-soft); border-left: 4px solid var(--brand); padding: .65rem 1rem; border-radius: 4px; }
.notice.warn { background: var(--wait-bg); border-left-color: var(--wait); }
.notice.bad { background: var(--bad-bg); border-left-color: var(--bad); }

.badge { display: inline-block; font-size: .8rem; font-weight: 700; padding: .1rem .55rem; border-radius: 999px; white-space: nowrap; vertical-align: middle; }
.tone-ok { color: var(--ok); background: var(--ok-bg); }
.tone-wait { color: var(--wait); background: var(--wait-bg); }
.tone-bad { color: var(--bad); background: var(--bad-bg); }
.tone-done { color: var(--done); background: var(--done-bg); }
.tags { list-style: none; margin: .25rem 0; padding: 0; display: flex; flex-wrap: wrap; gap: .35rem; }
.tags li { font-size: .8rem; background: var(--brand-soft); color: var(--brand-dark); padding: .05rem .5rem; border-radius: 4px; }
.request-card mark { background: #fff3b0; color: inherit; padding: 0 .05em; border-radius: 2px; }
.matched { font-size: .85rem; color: var(--muted); margin: .25rem 0; }
.amount { font-variant-numeric: tabular-nums; white-space: nowrap; }

.facts { display: grid; gap: .5rem 1.5rem; margin: 0; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); }
.facts div { display: grid; gap: .1rem; }
.facts dt { color: var(--muted); font-size: .85rem; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.prose { white-space: pre-wrap; overflow-wrap: anywhere; }

.table-scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: var(--radius); background: var(--card); margin-bottom: 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
table.ledger, table.audit, table.compare { min-width: 34rem; }
table.compare th[scope="col"] { min-width: 14rem; }
th, td { text-align: left; padding: .55rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f0f3f7; font-weight: 600; white-space: nowrap; }
tbody tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }

form.stack { display: grid; gap: 1rem; }
fieldset { border: 1px solid var(--line); border-radius: var(--radius); padding: .75rem 1rem 1rem; margin: 0; min-width: 0; }
legend { font-weight: 700; padding: 0 .35rem; }
.field { display: grid; gap: .3rem; }
.field label { font-weight: 600; }
.req { color: var(--bad); }
.opt { color: var(--muted); font-weight: 400; font-size: .85rem; }
.hint { color: var(--muted); font-size: .88rem; margin: 0; }
.error { color: var(--bad); font-weight: 600; margin: 0; }
.field.has-error input, .field.has-error textarea, .field.has-error select { border-color: var(--bad); border-width: 2px; }
details { margin: .5rem 0; }
summary { cursor: pointer; }
.milestone-row .opt, .share-row .opt { display: none; }
.has-error { border-left: 4px solid var(--bad); padding-left: .75rem; }
input, textarea, select { font: inherit; color: var(--ink); background: #fff; border: 1px solid #8a94a3; border-radius: 6px; padding: .5rem .6rem; width: 100%; min-height: 2.75rem; }
textarea { resize: vertical; }
input[type="radio"], input[type="checkbox"] { width: 1.2rem; height: 1.2rem; min-height: 0; accent-color: var(--brand); }
.affix-input { display: flex; align-items: stretch; max-width: 22rem; }
.affix { display: grid; place-items: center; padding: 0 .6rem; border: 1px solid #8a94a3; background: #f0f3f7; }
.affix:first-child { border-right: 0; border-radius: 6px 0 0 6px; }
.affix:last-child { border-left: 0; border-radius: 0 6px 6px 0; }
.affix-input input:not(:first-child) { border-top-left-radius: 0; border-bottom-left-radius: 0; }
.affix-input input:not(:last-child) { border-top-right-radius: 0; border-bottom-right-radius: 0; }
.row { display: grid; gap: 1rem; }
.choices { display: grid; gap: .5rem; }
.choice { display: flex; gap: .6rem; align-items: flex-start; padding: .6rem .75rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
.choice:has(input:checked) { border-color: var(--brand); background: var(--brand-soft); }
.choice small { display: block; color: var(--muted); }
.button { display: inline-flex; align-items: center; justify-content: center; gap: .4rem; min-height: 2.75rem; padding: .45rem 1.1rem; border-radius: 6px; border: 2px solid var(--brand); font: inherit; font-weight: 600; cursor: pointer; text-decoration: none; }
.button.primary { background: var(--brand); color: var(--brand-ink); }
.button.primary:hover { background: var(--brand-dark); border-color: var(--brand-dark); color: #fff; }
.button.secondary { background: #fff; color: var(--brand); }
.button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
.form-actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.inline-form { display: inline; margin: 0; }
.error-summary { border: 3px solid var(--bad); border-radius: var(--radius); padding: .75rem 1rem; background: #fff; }
.error-summary h2 { color: var(--bad); margin-bottom: .35rem; }
.error-summary ul { margin: 0; padding-left: 1.2rem; }
.error-summary a { color: var(--bad); font-weight: 600; }
.live-total:empty { display: none; }
.live-total { font-weight: 600; padding: .5rem .75rem; border-radius: 6px; background: var(--done-bg); }
.live-total[data-state="ok"] { background: var(--ok-bg); color: var(--ok); }
.live-total[data-state="bad"] { background: var(--bad-bg); color: var(--bad); }
.milestone-row, .share-row { display: grid; gap: .5rem; padding: .75rem 0; border-bottom: 1px dashed var(--line); }
.filters { display: grid; gap: .75rem; align-items: end; }
.pager { display: flex; gap: 1rem; justify-content: center; margin: 1rem 0; }
.tiles { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr)); }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: .75rem; }
.tile .value { font-size: 1.25rem; font-weight: 700; display: block; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.tile .label { color: var(--muted); font-size: .85rem; }
.signin { max-width: 34rem; margin: 1rem auto; }
.error-page { max-width: 40rem; margin: 2rem auto; text-align: center; }
.error-page .code { font-size: 3rem; font-weight: 800; color: var(--brand); margin: 0; }
.timeline { list-style: none; margin: 0; padding: 0; border-left: 3px solid var(--line); }
.timeline li { position: relative; padding: 0 0 1rem 1rem; }
.timeline li::before { content: ""; position: absolute; left: -.5rem; top: .45rem; width: .7rem; height: .7rem; border-radius: 50%; background: var(--brand); }

@media (min-width: 40rem) {
  .row.two { grid-template-columns: 1fr 1fr; }
  .row.three { grid-template-columns: repeat(3, 1fr); }
  .filters { grid-template-columns: 1fr 1fr auto; }
  .filters > .field:has(input[name="q"]) { grid-column: 1 / -1; }
  .milestone-row { grid-template-columns: 2fr 1fr 1fr; align-items: start; }
  .share-row { grid-template-columns: 2fr 1fr 1fr; align-items: start; }
  .account { flex-basis: auto; }
}
@media (min-width: 64rem) {
  main { padding: 1.5rem; }
  .grid.two { grid-template-columns: 2fr 1fr; }
}
/* The council's dashboard: server-drawn SVG charts. */
.charts { display: grid; gap: 1rem; grid-template-columns: 1fr; }
@media (min-width: 64rem) { .charts { grid-template-columns: 1fr 1fr; } }
.chart-card { margin: 0; min-width: 0; border: 1px solid var(--line); border-radius: var(--radius); padding: .75rem; background: var(--card); }
.chart-card h3 { margin: 0; font-size: 1rem; }
.chart-total { margin: .1rem 0 .4rem; font-variant-numeric: tabular-nums; }
.chart { display: block; width: 100%; max-width: 36rem; height: auto; }
.chart-grid line { stroke: var(--line); stroke-width: 1; }
.chart-grid text, .chart-labels text { fill: var(--muted); font-size: 16px; font-variant-numeric: tabular-nums; }
.chart-axis { stroke: var(--ink); stroke-width: 1.5; }
.chart-bars rect { fill: var(--brand); }
.chart-bars rect.negative { fill: var(--bad); }
.chart-line polyline { fill: none; stroke: var(--brand); stroke-width: 2.5; }
.chart-line circle { fill: var(--brand); }
@media (min-width: 40rem) { .chart-grid text, .chart-labels text { font-size: 13px; } }
@media print { .site-header, .site-footer, .actions, form { display: none; } }
/* A student's project record (/records/:id): a certificate-like sheet that prints on one A4 page. */
.student-record .record-head { border-bottom: 2px solid #1f4e79; margin-bottom: 1rem; padding-bottom: .5rem; }
.student-record .record-kicker { letter-spacing: .1em; color: #1f4e79; margin: 0; font-weight: 600; }
.student-record .record-project { font-size: 1.1rem; margin: .25rem 0 0; }
.student-record .record-table { width: 100%; border-collapse: collapse; }
.student-record .record-table th, .student-record .record-table td { border: 1px solid #c8d1dc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
.student-record .record-foot { color: #555; font-size: .85rem; margin-top: 1rem; }
@media (max-width: 40rem) { .student-record .record-table { display: block; overflow-x: auto; } }
@media print {
  @page { size: A4; margin: 16mm; }
  body { background: #fff; }
  .no-print, .skip-link, .flash { display: none !important; }
  .student-record { border: none; box-shadow: none; padding: 0; }
  .student-record .record-table th, .student-record .record-table td { border-color: #000; }
  .student-record a { color: inherit; text-decoration: none; }
}
`;

/**
 * Progressive enhancement only: every form works without it. It keeps live
 * totals next to the inputs that must add up (milestones to the price, shares
 * to 100 %), adds milestone rows, and moves focus to an error summary. Sums use
 * integer hundredths, like the server, never floats.
 */
export const APP_JS = String.raw`(function () {
  'use strict';
  function hundredths(text) {
    var s = String(text || '').trim().replace(/^[¥￥]\s*/, '').replace(/%$/, '').replace(/[,，\s]/g, '');
    var m = /^(\d{1,10})(?:\.(\d{0,2}))?$/.exec(s);
    if (!m) return null;
    return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  }
  function show(n) {
    var neg = n < 0, a = Math.abs(n), whole = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (neg ? '-' : '') + whole + '.' + String(a % 100).padStart(2, '0');
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, k) { return k in values ? values[k] : all; });
  }
  function update(box) {
    var out = box.querySelector('[data-total-output]');
    if (!out) return;
    var sum = 0, bad = false, typed = 0;
    box.querySelectorAll('[data-part]').forEach(function (input) {
      if (input.value.trim() === '') return;
      typed += 1;
      var v = hundredths(input.value);
      if (v === null) bad = true; else sum += v;
    });
    if (typed === 0) { out.textContent = ''; delete out.dataset.state; return; }
    var targetInput = box.dataset.targetInput ? document.getElementById(box.dataset.targetInput) : null;
    var target = targetInput ? hundredths(targetInput.value) : Number(box.dataset.target);
    var prefix = box.dataset.unit === 'money' ? '¥' : '', suffix = box.dataset.unit === 'percent' ? '%' : '';
    var values = { sum: prefix + show(sum) + suffix, target: target === null ? '—' : prefix + show(target) + suffix, diff: target === null ? '—' : prefix + show(Math.abs(target - sum)) + suffix };
    var state = bad || target === null ? 'bad' : sum === target ? 'ok' : 'bad';
    out.dataset.state = state;
    out.textContent = fill(bad ? out.dataset.msgInvalid : state === 'ok' ? out.dataset.msgOk : out.dataset.msgOff, values);
  }
  function boxes() { return document.querySelectorAll('[data-total]'); }
  document.addEventListener('input', function () { boxes().forEach(update); });
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-add-row]');
    if (!button) return;
    var list = document.getElementById(button.dataset.addRow);
    var template = document.getElementById(button.dataset.template);
    if (!list || !template) return;
    var index = list.querySelectorAll('[data-row]').length;
    var html = template.innerHTML.replace(/__N__/g, String(index)).replace(/__NUMBER__/g, String(index + 1));
    list.insertAdjacentHTML('beforeend', html);
    var added = list.querySelectorAll('[data-row]')[index];
    var first = added && added.querySelector('input');
    if (first) first.focus();
  });
  // A printable page's button (a student's record) opens the browser's print dialog.
  document.addEventListener('click', function (event) {
    if (event.target && event.target.closest && event.target.closest('[data-print]')) window.print();
  });
  // Irreversible steps (cancel a request, withdraw a bid) ask once more; without the script they just happen.
  document.addEventListener('submit', function (event) {
    var message = event.target && event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // Attachments go straight to the storage when the script runs: declare the file (name, type, size, SHA-256),
  // PUT it to the signed URL, complete; the file never passes through the server function. Any refusal falls
  // back to the plain form post, whose answer is the server's clear error page.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form || !form.matches || !form.matches('form[data-attachment-upload]')) return;
    var input = form.querySelector('input[type=file]');
    var file = input && input.files && input.files[0];
    if (!file || !window.fetch || !window.crypto || !window.crypto.subtle) return;
    event.preventDefault();
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    var plain = function () { form.submit(); };
    var json = { 'content-type': 'application/json', accept: 'application/json' };
    var ok = function (response) { if (!response.ok) throw new Error(String(response.status)); return response; };
    file.arrayBuffer().then(function (bytes) {
      return window.crypto.subtle.digest('SHA-256', bytes).then(function (digest) {
        var sha256 = Array.prototype.map.call(new Uint8Array(digest), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
        var declaration = { parent: form.elements.parent.value, name: file.name, contentType: file.type || 'application/octet-stream', size: file.size, sha256: sha256 };
        return fetch('/attachments/declare', { method: 'POST', credentials: 'same-origin', headers: json, body: JSON.stringify(declaration) });
      }).then(ok).then(function (response) { return response.json(); }).then(function (declared) {
        return fetch(declared.upload.url, { method: 'PUT', headers: declared.upload.headers, body: bytes }).then(ok).then(function () {
          return fetch('/attachments/' + declared.attachment.id + '/complete', { method: 'POST', credentials: 'same-origin', headers: json, body: '{}' });
        });
      }).then(ok).then(function () {
        // Back to the page, reloaded (a change of fragment alone would not show the new file).
        var back = form.elements.back.value;
        var page = back.split('#')[0];
        location.assign(page === location.pathname + location.search ? page : back);
      });
    }).catch(plain);
  });
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-add-row]').forEach(function (button) { button.hidden = false; });
    boxes().forEach(update);
    var summary = document.querySelector('[data-autofocus]');
    if (summary) summary.focus();
    var token = /[#&]id_token=([^&]+)/.exec(location.hash);
    var callback = document.getElementById('token-callback');
    if (callback && token) {
      callback.querySelector('input[name=token]').value = decodeURIComponent(token[1]);
      history.replaceState(null, '', location.pathname);
      callback.submit();
    }
  });
})();
`;

export const ASSET_VERSION = createHash('sha256').update(APP_CSS).update(APP_JS).digest('hex').slice(0, 10);
