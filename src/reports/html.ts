import { rootCauses } from './root-causes.ts';
import {
  AREAS,
  CHECK_STATUSES,
  curlLine,
  ranLine,
  ranShare,
  skipReasons,
  targetName,
  type CheckResult,
  type Exchange,
  type Report,
  type TranscriptEntry,
  type TranscriptSnapshot,
} from '../model/index.ts';
import { detailText } from './failure.ts';
import { stateMatrix } from './state-matrix.ts';
import { escapeXml as esc } from './xml.ts';

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:#1d1d1f}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
pre{background:#f5f5f7;padding:.5rem;overflow:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}
.badge{display:inline-block;min-width:6.5em;text-align:center;border-radius:3px;padding:0 .3em;font-size:12px;color:#fff}
.passed{background:#1a7f37}.failed{background:#cf222e}.warning{background:#bf8700}.info{background:#0969da}
.skipped{background:#6e7781}.not-applicable{background:#8c959f}.error{background:#8250df}
details.check{border-bottom:1px solid #eee;padding:.3rem 0}details.check>summary{cursor:pointer}
details.exchange{margin:.4rem 0 .4rem 1rem}.id{font-family:ui-monospace,monospace}
.muted{color:#6e7781}.filters label{margin-right:.8rem}
.workarounds{border:2px solid #bf8700;background:#fff8c5;border-radius:4px;padding:.5rem 1rem;margin:1rem 0}
.workarounds h2{margin-top:.2rem}
table.failure td{vertical-align:top;font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;word-break:break-all}
tr.shown>td{background:#fff8c5}
table.matrix td{text-align:center;padding:.15rem}table.matrix td a{text-decoration:none}
table.matrix .badge{min-width:1.6em}
`;

const SCRIPT = `
(function(){
  function apply(){
    var statuses={};document.querySelectorAll('input[data-status-filter]').forEach(function(box){statuses[box.value]=box.checked;});
    var area=document.getElementById('area-filter').value;
    var text=document.getElementById('text-filter').value.toLowerCase();
    document.querySelectorAll('details.check').forEach(function(row){
      var show=statuses[row.dataset.status]&&(area===''||row.dataset.area===area)&&(text===''||row.dataset.id.indexOf(text)!==-1);
      row.style.display=show?'':'none';
    });
  }
  document.querySelectorAll('input[data-status-filter],#area-filter,#text-filter').forEach(function(el){el.addEventListener('input',apply);});
  function reveal(){var el=location.hash&&document.getElementById(decodeURIComponent(location.hash.slice(1)));if(el&&el.tagName==='DETAILS'){el.open=true;el.style.display='';}}
  window.addEventListener('hashchange',reveal);
  apply();reveal();
})();
`;

function json(value: unknown): string {
  return esc(JSON.stringify(value, null, 2) ?? '');
}

function headers(record: Record<string, string>): string {
  return esc(
    Object.entries(record)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
  );
}

/**
 * The page shows the first 8 KiB of a body: report.json keeps what was recorded (up to 64 KiB). A
 * target answering every request with large bodies would otherwise make a page of hundreds of
 * megabytes, and rendering it would be most of the run's memory.
 */
const PAGE_BODY_CHARS = 8 * 1024;

function shownInPage(body: string): string {
  if (body.length <= PAGE_BODY_CHARS) return body;
  return `${body.slice(0, PAGE_BODY_CHARS)}\n… [${body.length - PAGE_BODY_CHARS} more characters in report.json]`;
}

/** One exchange; `open` unfolds it (the exchange a failure points at). */
function exchangeHtml(exchange: Exchange, open = false): string {
  const outcome = exchange.error ? `${exchange.error.kind}` : String(exchange.response?.status ?? '?');
  const parts = [
    `<details class="exchange"${open ? ' open' : ''} id="${esc(`${exchange.check}#${exchange.seq}`)}"><summary><span class="id">#${exchange.seq} ${esc(exchange.request.method)} ${esc(exchange.request.url)}</span> → <b>${esc(outcome)}</b> <span class="muted">${esc(exchange.label ?? '')} · ${exchange.duration_ms} ms</span></summary>`,
    `<div>Request headers</div><pre>${headers(exchange.request.headers)}</pre>`,
  ];
  if (exchange.request.jwt)
    parts.push(`<div>Bearer JWT (decoded, not verified)</div><pre>${json(exchange.request.jwt)}</pre>`);
  if (exchange.request.body !== undefined)
    parts.push(`<div>Request body</div><pre>${esc(shownInPage(exchange.request.body))}</pre>`);
  if (exchange.error)
    parts.push(`<div>Error</div><pre>${esc(`${exchange.error.kind}: ${exchange.error.message}`)}</pre>`);
  const response = exchange.response;
  if (response) {
    parts.push(`<div>Response ${response.status} headers</div><pre>${headers(response.headers)}</pre>`);
    if (response.events)
      parts.push(`<div>Events (${esc(response.stream_end ?? 'incomplete')})</div><pre>${json(response.events)}</pre>`);
    if (response.body !== undefined)
      parts.push(
        `<div>Response body (${response.body_bytes} bytes)</div><pre>${esc(shownInPage(response.body))}</pre>`,
      );
  }
  parts.push(`<div>Replay</div><pre>${esc(curlLine(exchange.request))}</pre></details>`);
  return parts.join('\n');
}

/** Expected and observed side by side, with the exchange that shows the failure; empty without detail. */
function failureHtml(result: CheckResult): string {
  const failure = result.failure;
  if (failure === undefined) return '';
  const cell = (value: unknown) =>
    esc(typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? detailText(value)));
  const link =
    failure.exchange === undefined ? '' : `<div>Shown by exchange <span class="id">#${failure.exchange}</span></div>`;
  return `<table class="failure"><tr><th>expected</th><th>observed</th></tr><tr><td>${cell(failure.expected ?? '')}</td><td>${cell(failure.observed ?? '')}</td></tr></table>${link}`;
}

/** One line per entry of a driven client's session: calls, results, notifications, stderr, violations. */
function transcriptLine(entry: TranscriptEntry): string {
  const head = `#${entry.seq} ${entry.at.slice(11, 23)} ${entry.kind}`;
  switch (entry.kind) {
    case 'call':
      return `${head} ${entry.tool} ${JSON.stringify(entry.arguments)}`;
    case 'result':
      return `${head} ${entry.tool} (${entry.duration_ms} ms) ${entry.error ? `${entry.error.kind}: ${entry.error.message}` : `${entry.result?.is_error ? 'tool error: ' : ''}${entry.result?.text ?? ''}`}`;
    case 'notification':
    case 'request':
      return `${head} ${entry.method} ${JSON.stringify(entry.params ?? null)}`;
    case 'stderr':
      return `${head} ${entry.line}`;
    case 'protocol':
      return `${head} ${entry.message}${entry.data ? ` ${entry.data}` : ''}`;
    case 'lifecycle':
      return `${head} ${entry.event}: ${entry.message}`;
  }
}

function transcriptHtml(transcript: TranscriptSnapshot): string {
  const dropped = Object.entries(transcript.dropped)
    .filter(([, count]) => count > 0)
    .map(([what, count]) => `${count} ${what.replace('_', ' ')} dropped`);
  return `<details class="exchange"><summary>Client session (${transcript.entries.length} entries${dropped.length ? `; ${esc(dropped.join(', '))}` : ''})</summary><pre>${esc(transcript.entries.map(transcriptLine).join('\n'))}</pre></details>`;
}

function checkHtml(result: CheckResult): string {
  const known = result.baseline ? ` <span class="muted">[baseline: ${esc(result.baseline)}]</span>` : '';
  const lines = [
    `<details class="check" id="${esc(checkAnchor(result.id))}" data-status="${esc(result.status)}" data-area="${esc(result.area)}" data-id="${esc(result.id.toLowerCase())}">`,
    `<summary><span class="badge ${esc(result.status)}">${esc(result.status)}</span> <span class="id">${esc(result.id)}</span> — ${esc(result.title)} <span class="muted">${esc(result.level)} · ${result.duration_ms} ms</span>${known}</summary>`,
  ];
  if (result.message) lines.push(`<pre>${esc(result.message)}</pre>`);
  lines.push(failureHtml(result));
  for (const note of result.notes) lines.push(`<div class="muted">note: ${esc(note)}</div>`);
  if (result.requirements.length > 0)
    lines.push(`<div>Requirements: <span class="id">${esc(result.requirements.join(', '))}</span></div>`);
  if (result.rulings.length > 0)
    lines.push(`<div>Rulings: <span class="id">${esc(result.rulings.join(', '))}</span></div>`);
  if (result.stack) lines.push(`<pre>${esc(result.stack)}</pre>`);
  if (result.exchanges.length < result.exchange_count) {
    lines.push(
      `<div class="muted">${result.exchange_count} exchanges (not kept for a passing check; run with --record-exchanges all to keep them)</div>`,
    );
  }
  lines.push(...result.exchanges.map((exchange) => exchangeHtml(exchange, exchange.seq === result.failure?.exchange)));
  if (result.transcript) lines.push(transcriptHtml(result.transcript));
  lines.push('</details>');
  return lines.join('\n');
}

function checkAnchor(id: string): string {
  return `check-${id}`;
}

/** One letter per status in the matrix, the badge colour saying the rest. */
const STATUS_MARK: Record<string, string> = {
  passed: '✓',
  failed: '✗',
  warning: '!',
  info: 'i',
  skipped: '–',
  'not-applicable': '·',
  error: 'E',
};

/**
 * The state machine at a glance: one row per state, one column per operation, each cell the verdict
 * of the check that walked it, linking to that check.
 */
function stateMatrixHtml(report: Report): string {
  const matrix = stateMatrix(report);
  if (matrix === undefined) return '';
  const table = (corner: string, columns: string[], label: (column: string) => string) => {
    if (columns.length === 0) return '';
    const head = `<tr><th>${esc(corner)}</th>${columns.map((column) => `<th class="id">${esc(label(column))}</th>`).join('')}</tr>`;
    const rows = matrix.states.map((state) => {
      const cells = columns.map((column) => {
        const cell = matrix.cells[state]?.[column];
        if (cell === undefined) return '<td></td>';
        return `<td><a href="#${esc(checkAnchor(cell.check))}" title="${esc(`${cell.check}: ${cell.status}`)}"><span class="badge ${esc(cell.status)}">${esc(STATUS_MARK[cell.status] ?? '?')}</span></a></td>`;
      });
      return `<tr><th class="id">${esc(state)}</th>${cells.join('')}</tr>`;
    });
    return `<table class="matrix">${head}${rows.join('')}</table>`;
  };
  const legend =
    '✓ passed · ✗ failed · ! warning · – skipped · · not applicable · E error; an empty cell is one the table says cannot happen.';
  return [
    '<h2>State machine</h2>',
    `<p class="muted">Each cell: an agent brought into the state (row), the operation (column) performed once, judged against spec/state-table.yaml. ${legend}</p>`,
    table('state \\ operation', matrix.operations, (column) => column),
    matrix.events.length === 0
      ? ''
      : '<h3>Transitions</h3><p class="muted">Each cell: an agent brought into the state (row), the event (column) made to happen once, then what status, its grant, execution and introspection say of it.</p>',
    table('state \\ event', matrix.events, (column) => column.replace(/^on-/, '')),
  ].join('');
}

function summaryTableHtml(report: Report): string {
  const head = `<tr><th>area</th>${CHECK_STATUSES.map((s) => `<th>${esc(s)}</th>`).join('')}</tr>`;
  const rows = AREAS.filter((area) => report.summary.by_area[area]).map((area) => {
    const counts = report.summary.by_area[area];
    return `<tr><td>${esc(area)}</td>${CHECK_STATUSES.map((s) => `<td>${counts?.[s] ?? 0}</td>`).join('')}</tr>`;
  });
  const total = `<tr><th>total</th>${CHECK_STATUSES.map((s) => `<th>${report.summary.counts[s]}</th>`).join('')}</tr>`;
  return `<table>${head}${rows.join('')}${total}</table>`;
}

function filtersHtml(): string {
  const boxes = CHECK_STATUSES.map(
    (status) =>
      `<label><input type="checkbox" data-status-filter value="${esc(status)}" checked> ${esc(status)}</label>`,
  ).join('');
  const areas = [
    '<option value="">all areas</option>',
    ...AREAS.map((a) => `<option value="${esc(a)}">${esc(a)}</option>`),
  ].join('');
  return `<div class="filters">${boxes}<select id="area-filter">${areas}</select> <input id="text-filter" placeholder="filter by id"></div>`;
}

function coverageHtml(report: Report): string {
  const coverage = report.coverage;
  const rows = coverage.requirements.map(
    (entry) =>
      `<tr><td class="id">${esc(entry.id)}</td><td>${esc(entry.level ?? '')}</td><td>${esc(entry.role ?? '')}</td><td>${esc(entry.observable ?? '')}</td><td><span class="badge ${esc(entry.status === 'warned' ? 'warning' : entry.status === 'untested' ? 'not-applicable' : entry.status)}">${esc(entry.status)}</span></td><td class="id">${esc(entry.checks.join(', '))}</td></tr>`,
  );
  const unknown = coverage.unknown_ids.map(
    (u) => `<li class="id">${esc(u.id)} (cited by ${esc(u.checks.join(', '))})</li>`,
  );
  return [
    `<details><summary>Requirement coverage — ${esc(report.kind)}-observable: ${esc(
      Object.entries(coverage.observable_counts)
        .map(([s, n]) => `${n} ${s}`)
        .join(', '),
    )}; whole catalogue: ${esc(
      Object.entries(coverage.counts)
        .map(([s, n]) => `${n} ${s}`)
        .join(', '),
    )}${coverage.catalogue === 'unavailable' ? ` — catalogue unavailable: ${esc(coverage.catalogue_error ?? '')}` : ''}</summary>`,
    `<table><tr><th>requirement</th><th>level</th><th>role</th><th>observable</th><th>status</th><th>checks</th></tr>${rows.join('')}</table>`,
    unknown.length > 0 ? `<p>Cited ids missing from the catalogue:</p><ul>${unknown.join('')}</ul>` : '',
    '</details>',
  ].join('\n');
}

function baselineHtml(report: Report): string {
  const baseline = report.baseline;
  if (!baseline) return '';
  const items = [
    ...baseline.new_failures.map((id) => `<li>new failure: <span class="id">${esc(id)}</span></li>`),
    ...baseline.fixed.map((e) => `<li>now passes, remove from baseline: <span class="id">${esc(e.check)}</span></li>`),
    ...baseline.stale.map((e) => `<li>names no known check: <span class="id">${esc(e.check)}</span></li>`),
    ...baseline.known_failures.map(
      (e) => `<li>known failure: <span class="id">${esc(e.check)}</span> ${esc(e.comment ?? '')}</li>`,
    ),
  ];
  return `<h2>Baseline ${esc(baseline.file)}</h2><ul>${items.join('')}</ul>`;
}

/** A boxed notice naming each active workaround with its reason; empty when none is active. */
function workaroundsHtml(report: Report): string {
  if (report.workarounds.length === 0) return '';
  const items = report.workarounds.map(
    (w) =>
      `<li><span class="id">${esc(w.name)}: ${esc(w.value)}</span> — ${esc(w.effect)}.<br><b>Reason:</b> ${esc(w.reason)} (<span class="id">${esc(w.requirements.join(', '))}</span>).<br>Still tested by <span class="id">${esc(w.still_tested_by.join(', '))}</span>.</li>`,
  );
  return [
    `<section class="workarounds" id="workarounds"><h2>⚠ Workarounds active (${report.workarounds.length})</h2>`,
    '<p>The target profile declared known deviations that the harness stepped around so the rest of the suite could observe the server; the results on this page hold only with them. The checks named for each still test the deviation itself.</p>',
    `<ul>${items.join('')}</ul></section>`,
  ].join('\n');
}

function setupHtml(report: Report): string {
  const setup = report.setup;
  const parts = [`<h2>Setup</h2>`];
  if (setup.error) parts.push(`<pre class="failed-text">${esc(setup.error)}</pre>`);
  parts.push(`<ul>${setup.notes.map((note) => `<li>${esc(note)}</li>`).join('')}</ul>`);
  if (setup.control)
    parts.push(
      `<div>Control hooks (${esc(setup.control.url)}): ${esc(setup.control.supports.join(', ') || 'none')}</div>`,
    );
  if (setup.profile)
    parts.push(`<div>Target profile (${esc(setup.profile_source)})</div><pre>${json(setup.profile)}</pre>`);
  if (setup.exchanges.length > 0)
    parts.push(
      `<details><summary>Setup exchanges (${setup.exchanges.length})</summary>${setup.exchanges.map((exchange) => exchangeHtml(exchange)).join('\n')}</details>`,
    );
  return parts.join('\n');
}

/** Failures first, then errors, warnings and the rest, each group in run order. */
function byUrgency(checks: readonly CheckResult[]): CheckResult[] {
  const rank: Record<string, number> = { failed: 0, error: 1, warning: 2, info: 3 };
  return checks
    .map((check, index) => ({ check, index }))
    .sort((a, b) => (rank[a.check.status] ?? 4) - (rank[b.check.status] ?? 4) || a.index - b.index)
    .map(({ check }) => check);
}

/** Why checks were skipped (each reason says how to enable them), most frequent first. */
function skippedHtml(report: Report): string {
  const reasons = skipReasons(report.checks);
  if (reasons.length === 0) return '';
  const items = reasons.map(({ reason, count }) => `<li>${count} × ${esc(reason)}</li>`);
  return `<h2 id="skipped">Skipped (${report.summary.counts.skipped})</h2><ul>${items.join('')}</ul>`;
}

/** One self-contained HTML page: summary, filters, every check with its exchanges, coverage, setup. */
/** One line per answer that stopped several checks, so a shared cause is not read as many failures. */
function rootCausesHtml(report: Report): string {
  const causes = rootCauses(report);
  if (causes.length === 0) return '';
  const items = causes.map(
    ({ cause, checks }) =>
      `<li><span class="id">${esc(cause)}</span> blocks ${checks.length} checks: ${checks.map((id) => `<span class="id">${esc(id)}</span>`).join(', ')}</li>`,
  );
  return `<h2>Shared causes</h2><ul>${items.join('')}</ul>`;
}

export function renderHtml(report: Report): string {
  const mostlySkipped = report.setup.ok && ranShare(report.summary).share < 0.5;
  const verdict =
    [
      mostlySkipped
        ? 'no failure beyond the baseline among the checks that ran — most of the suite did not run'
        : 'no failure beyond the baseline',
      'conformance failures',
      'setup or usage error',
      'internal harness error',
    ][report.exit_code] ?? '';
  const target = targetName(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(`Agent Auth ${report.kind} conformance — ${target}`)}</title><style>${STYLE}</style></head>
<body>
<h1>Agent Auth ${report.kind} conformance</h1>
<p>Target <span class="id">${esc(target)}</span> · spec ${esc(report.spec_version)} · ${esc(report.tool.name)} ${esc(report.tool.version)} · seed ${report.seed} · ${esc(report.started_at)} · ${report.duration_ms} ms</p>
<p><span class="badge ${report.exit_code === 0 ? (mostlySkipped ? 'warning' : 'passed') : report.exit_code === 1 ? 'failed' : 'error'}">exit ${report.exit_code}</span> ${esc(verdict)}</p>
${report.setup.ok ? `<p>${esc(ranLine(report.summary))}${report.summary.counts.skipped > 0 ? ` — <a href="#skipped">why</a>` : ''}</p>` : ''}
${report.kind === 'client' ? `<p>Tools exposed: ${report.target.tools.map((tool) => `<span class="id">${esc(tool)}</span>`).join(', ') || 'none seen'}</p>` : ''}
${workaroundsHtml(report)}
${summaryTableHtml(report)}
${baselineHtml(report)}
${rootCausesHtml(report)}
${skippedHtml(report)}
${stateMatrixHtml(report)}
<h2>Checks</h2>
${filtersHtml()}
${byUrgency(report.checks).map(checkHtml).join('\n')}
<h2>Coverage</h2>
${coverageHtml(report)}
${setupHtml(report)}
<script>${SCRIPT}</script>
</body></html>
`;
}
