import { describe, expect, it } from 'vitest';
import { MAX_ARRAY_ITEMS, MAX_DEPTH, MAX_STRING_CHARS } from '../../src/reports/bounded.ts';
import { REPORT_FORMATS, renderReports } from '../../src/reports/write.ts';
import { result, sampleReport } from './sample-report.ts';

/** A value a target sent, quoted by a check: 5,000 levels deep. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

describe('reports of what a hostile target sent', () => {
  it('render in every format, with deep values, long strings and long arrays cut and marked', () => {
    const hostile = result({
      status: 'failed',
      failure: {
        observed: nested(5000),
        expected: 'x'.repeat(MAX_STRING_CHARS + 10),
      },
      notes: Array.from({ length: MAX_ARRAY_ITEMS + 5 }, (_, i) => `note ${i}`),
    });
    const rendered = renderReports(sampleReport([hostile]), REPORT_FORMATS);
    expect(rendered.map(({ file }) => file)).toEqual(['report.json', 'junit.xml', 'report.html', 'summary.md']);
    const json = JSON.parse(rendered[0]!.text) as { checks: { failure: { expected: string }; notes: string[] }[] };
    const text = rendered[0]!.text;
    expect(text).toContain(`[cut: nested deeper than ${MAX_DEPTH} levels]`);
    expect(json.checks[0]!.failure.expected).toMatch(/…\[cut: 10 more characters\]$/);
    expect(json.checks[0]!.notes.at(-1)).toBe('[cut: 5 more items]');
  });
});
