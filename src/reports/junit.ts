import { AREAS, curlLine, describeExchange, type CheckResult, type Report } from '../model/index.ts';
import { failureLines } from './failure.ts';
import { escapeXml as esc } from './xml.ts';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Failure details: the message, what the check cites, and the exchanges it made. */
function details(result: CheckResult): string {
  const lines = [result.message ?? '', ...failureLines(result), '', `level: ${result.level}`];
  if (result.requirements.length > 0) lines.push(`requirements: ${result.requirements.join(', ')}`);
  if (result.rulings.length > 0) lines.push(`rulings: ${result.rulings.join(', ')}`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  for (const exchange of result.exchanges)
    lines.push(`exchange ${exchange.seq}: ${describeExchange(exchange)}`, `  ${curlLine(exchange.request)}`);
  return lines.join('\n');
}

function testcase(role: Report['kind'], result: CheckResult): string {
  const open = `    <testcase classname="${esc(`${role}.${result.area}`)}" name="${esc(result.id)}" time="${seconds(result.duration_ms)}">`;
  const body: string[] = [];
  const message = esc(result.message ?? '');
  switch (result.status) {
    case 'failed':
      body.push(`      <failure message="${message}" type="${esc(result.level)}">${esc(details(result))}</failure>`);
      break;
    case 'error':
      body.push(`      <error message="${message}" type="harness">${esc(result.stack ?? details(result))}</error>`);
      break;
    case 'skipped':
    case 'not-applicable':
      body.push(`      <skipped message="${esc(`${result.status}: ${result.message ?? ''}`)}"/>`);
      break;
    case 'warning':
      // JUnit has no warning verdict: a passing testcase would hide it, a failure would fail CI runs
      // that exit 0. Skipped (typed "warning") is the state every consumer shows without failing.
      body.push(
        `      <skipped type="warning" message="${esc(`WARNING (${result.level}, does not fail the run): ${result.message ?? ''}`)}"/>`,
        `      <system-out>${esc(`WARNING (${result.level}): ${details(result)}`)}</system-out>`,
      );
      break;
    case 'info':
      body.push(`      <system-out>${esc(`INFO (${result.level}): ${details(result)}`)}</system-out>`);
      break;
    case 'passed':
      if (result.notes.length > 0) body.push(`      <system-out>${esc(result.notes.join('\n'))}</system-out>`);
      break;
  }
  return body.length === 0 ? `${open.slice(0, -1)}/>` : [open, ...body, '    </testcase>'].join('\n');
}

function counts(results: readonly CheckResult[]) {
  return {
    tests: results.length,
    failures: results.filter((r) => r.status === 'failed').length,
    errors: results.filter((r) => r.status === 'error').length,
    skipped: results.filter((r) => r.status === 'skipped' || r.status === 'not-applicable' || r.status === 'warning')
      .length,
    time: seconds(results.reduce((sum, r) => sum + r.duration_ms, 0)),
  };
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${esc(String(value))}"`)
    .join(' ');
}

/** Active workarounds as testsuite properties, so CI reporters show what the results depend on. */
function properties(report: Report): string[] {
  if (report.workarounds.length === 0) return [];
  return [
    '    <properties>',
    ...report.workarounds.map(
      (w) => `      <property ${attributes({ name: `workaround.${w.name}`, value: `${w.value}: ${w.reason}` })}/>`,
    ),
    '    </properties>',
  ];
}

/** JUnit XML: one testsuite per area; a setup failure is one erroring testcase. */
export function renderJunit(report: Report): string {
  const suites: string[] = [];
  if (!report.setup.ok) {
    suites.push(
      `  <testsuite ${attributes({ name: 'setup', tests: 1, failures: 0, errors: 1, skipped: 0, time: '0.000' })}>`,
      `    <testcase classname="${report.kind}.setup" name="setup" time="0.000">`,
      `      <error message="${esc(report.setup.error ?? '')}" type="setup">${esc(report.setup.notes.join('\n'))}</error>`,
      '    </testcase>',
      '  </testsuite>',
    );
  }
  for (const area of AREAS) {
    const results = report.checks.filter((result) => result.area === area);
    if (results.length === 0) continue;
    suites.push(
      `  <testsuite ${attributes({ name: area, ...counts(results), timestamp: report.started_at })}>`,
      ...properties(report),
      ...results.map((result) => testcase(report.kind, result)),
      '  </testsuite>',
    );
  }
  const total = counts(report.checks);
  const setupFailed = report.setup.ok ? 0 : 1;
  const rootCounts = {
    ...total,
    tests: total.tests + setupFailed,
    errors: total.errors + setupFailed,
    time: seconds(report.duration_ms),
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attributes({ name: `${report.tool.name} ${report.kind}`, ...rootCounts })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
