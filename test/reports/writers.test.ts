import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/reports/html.ts';
import { renderJson } from '../../src/reports/json.ts';
import { renderJunit } from '../../src/reports/junit.ts';
import { renderMarkdown } from '../../src/reports/markdown.ts';
import { activeWorkarounds } from '../../src/harness/workarounds.ts';
import { ReportSchema } from '../../src/model/index.ts';
import { parseFormats, writeReports } from '../../src/reports/write.ts';
import { result, sampleReport } from './sample-report.ts';
import { stateMatrix } from '../../src/reports/state-matrix.ts';

/** A crude XML well-formedness check: balanced tags, no raw `<` or `&` in text, quoted attributes. */
function assertWellFormedXml(xml: string): string[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const names: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const match of body.matchAll(tag)) {
    const text = body.slice(last, match.index);
    expect(text).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|#39);)/);
    last = (match.index ?? 0) + match[0].length;
    const [, closing, name, , selfClosing] = match;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name as string);
    names.push(`${closing}${name}`);
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  return names;
}

describe('report writers', () => {
  it('JSON validates against ReportSchema', () => {
    const parsed: unknown = JSON.parse(renderJson(sampleReport()));
    expect(ReportSchema.safeParse(parsed).success).toBe(true);
  });

  it('JUnit is well-formed XML with a testsuite per area and failure/skipped/error elements', () => {
    const xml = renderJunit(sampleReport());
    const names = assertWellFormedXml(xml);
    expect(names.filter((n) => n === 'testsuite')).toHaveLength(4);
    expect(names).toContain('failure');
    expect(names).toContain('skipped');
    expect(names).toContain('error');
    // The SHOULD warning is a skipped testcase typed "warning": visible, not a pass, not a failure.
    expect(xml).toContain(
      '<testsuites name="agent-auth-conformance server" tests="5" failures="1" errors="1" skipped="2"',
    );
    expect(xml).toContain(
      '<skipped type="warning" message="WARNING (SHOULD, does not fail the run): no Cache-Control"/>',
    );
    expect(xml).toContain('&lt;script&gt;');
    expect(xml).not.toContain('\u0001');
  });

  it('JUnit reports a setup failure as an erroring testcase', () => {
    const report = {
      ...sampleReport([]),
      setup: { ...sampleReport([]).setup, ok: false, error: 'discovery is unreachable <x>' },
      exit_code: 2 as const,
    };
    const xml = renderJunit(report);
    assertWellFormedXml(xml);
    expect(xml).toContain('name="setup"');
    expect(xml).toContain('discovery is unreachable &lt;x&gt;');
    // The root counts the erroring setup testcase too.
    expect(xml).toMatch(/<testsuites [^>]*tests="1" failures="0" errors="1"/);
  });

  it('HTML contains every check id and escapes bodies, JWT claims and messages', () => {
    const report = sampleReport();
    const html = renderHtml(report);
    for (const check of report.checks) expect(html).toContain(check.id);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;');
    expect(html).toContain('data-status="failed"');
    expect(html).toContain('curl -sS -i');
    expect(html).not.toMatch(/<link|<script src/);
  });

  it('Markdown has the table by area and the failures list', () => {
    const md = renderMarkdown(sampleReport());
    expect(md).toContain('| area | passed | failed | warning | info | skipped | not-applicable | error |');
    expect(md).toContain('| jwt | 0 | 1 | 0 | 0 | 0 | 0 | 0 |');
    expect(md).toContain('## Failures (1)');
    expect(md).toContain('**server.jwt.rejects-alg-none**');
    expect(md).toContain('\\<script\\>');
    expect(md).toContain('## Warnings (SHOULD) (1)');
  });

  it('every format names the active workarounds with their reasons, and none when there are none', () => {
    const workarounds = activeWorkarounds({ agentJwtIssuer: 'host-id' });
    const report = { ...sampleReport(), workarounds };
    expect(ReportSchema.safeParse(JSON.parse(renderJson(report))).success).toBe(true);
    const md = renderMarkdown(report);
    expect(md).toContain('**⚠️ Workarounds active (1).**');
    expect(md).toContain('`agentJwtIssuer: host-id`');
    expect(md).toContain('**Reason:**');
    expect(md).toContain('`server.jwt.agent.execute.thumbprint-iss-accepted`');
    expect(md.indexOf('Workarounds active')).toBeLessThan(md.indexOf('| area |'));
    const html = renderHtml(report);
    expect(html).toContain('<section class="workarounds" id="workarounds"><h2>⚠ Workarounds active (1)</h2>');
    expect(html).toContain('agentJwtIssuer: host-id');
    expect(html).toContain(workarounds[0]?.reason);
    const xml = renderJunit(report);
    assertWellFormedXml(xml);
    expect(xml).toContain('<property name="workaround.agentJwtIssuer" value="host-id: ');
    const plain = sampleReport();
    expect(renderMarkdown(plain)).not.toContain('Workarounds active');
    expect(renderHtml(plain)).not.toContain('Workarounds active');
    expect(renderJunit(plain)).not.toContain('<properties>');
  });

  it('shows the state walk as state × operation and state × event matrices linking each cell to its check', () => {
    const cell = (state: string, operation: string, status: 'passed' | 'failed') =>
      result({ id: `server.state.${state}.${operation}`, area: 'state', status, cell: { state, operation } });
    const report = sampleReport([
      cell('pending', 'execute-subject', 'passed'),
      cell('pending', 'reactivate', 'failed'),
      cell('revoked', 'execute-subject', 'passed'),
      cell('revoked', 'on-host-revoke', 'failed'),
    ]);
    expect(stateMatrix(report)).toEqual({
      states: ['pending', 'revoked'],
      operations: ['execute-subject', 'reactivate'],
      events: ['on-host-revoke'],
      cells: {
        pending: {
          'execute-subject': { check: 'server.state.pending.execute-subject', status: 'passed' },
          reactivate: { check: 'server.state.pending.reactivate', status: 'failed' },
        },
        revoked: {
          'execute-subject': { check: 'server.state.revoked.execute-subject', status: 'passed' },
          'on-host-revoke': { check: 'server.state.revoked.on-host-revoke', status: 'failed' },
        },
      },
    });
    const html = renderHtml(report);
    expect(html).toContain('<table class="matrix">');
    expect(html).toContain('href="#check-server.state.pending.reactivate"');
    expect(html).toContain('id="check-server.state.pending.reactivate"');
    // Transitions get a table of their own, their columns named by the event.
    expect(html.match(/<table class="matrix">/g)).toHaveLength(2);
    expect(html).toContain('<th class="id">host-revoke</th>');
    expect(html).toContain('href="#check-server.state.revoked.on-host-revoke"');
    expect(renderHtml(sampleReport())).not.toContain('<table class="matrix">');
    expect(JSON.parse(renderJson(report)).checks[1].cell).toEqual({ state: 'pending', operation: 'reactivate' });
  });

  it('writes the requested formats and rejects unknown ones', async () => {
    expect(parseFormats('json, md,json')).toEqual(['json', 'md']);
    expect(() => parseFormats('json,pdf')).toThrow(/pdf/);
    const out = await mkdtemp(join(tmpdir(), 'aac-reports-'));
    try {
      const paths = await writeReports(sampleReport(), join(out, 'nested'), ['json', 'junit', 'html', 'md']);
      expect(paths).toHaveLength(4);
      expect((await readdir(join(out, 'nested'))).sort()).toEqual([
        'junit.xml',
        'report.html',
        'report.json',
        'summary.md',
      ]);
      expect(await readFile(join(out, 'nested', 'summary.md'), 'utf8')).toContain('Agent Auth conformance');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
