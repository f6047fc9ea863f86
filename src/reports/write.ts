import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { boundReport } from './bounded.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { Report } from '../model/index.ts';
import { ensureDirectory } from './out-dir.ts';

export const REPORT_FORMATS = ['json', 'junit', 'html', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const WRITERS: Record<ReportFormat, { file: string; render: (report: Report) => string }> = {
  json: { file: 'report.json', render: renderJson },
  junit: { file: 'junit.xml', render: renderJunit },
  html: { file: 'report.html', render: renderHtml },
  md: { file: 'summary.md', render: renderMarkdown },
};

/** Parses `--format json,junit,...`; throws naming unknown formats. */
export function parseFormats(value: string): ReportFormat[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(REPORT_FORMATS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`unknown report format(s): ${unknown.join(', ')} (known: ${REPORT_FORMATS.join(', ')})`);
  if (names.length === 0) throw new Error('no report format given');
  return [...new Set(names)] as ReportFormat[];
}

/** The file name and text of the report in each format. */
export function renderReports(report: Report, formats: readonly ReportFormat[]): { file: string; text: string }[] {
  const bounded = boundReport(report);
  return formats.map((format) => ({ file: WRITERS[format].file, text: WRITERS[format].render(bounded) }));
}

/** Writes the report in each format to `outDir` (created if needed); returns the written paths. */
export async function writeReports(
  report: Report,
  outDir: string,
  formats: readonly ReportFormat[],
): Promise<string[]> {
  ensureDirectory(outDir);
  const bounded = boundReport(report);
  const paths: string[] = [];
  // One format at a time: a report of a hostile target renders to tens of megabytes per format.
  for (const format of formats) {
    const path = join(outDir, WRITERS[format].file);
    await writeFile(path, WRITERS[format].render(bounded), 'utf8');
    paths.push(path);
  }
  return paths;
}

/** Synchronous writeReports, for the moment the process is about to exit (command-line parse errors). */
export function writeReportsSync(report: Report, outDir: string, formats: readonly ReportFormat[]): string[] {
  ensureDirectory(outDir);
  return renderReports(report, formats).map(({ file, text }) => {
    const path = join(outDir, file);
    writeFileSync(path, text, 'utf8');
    return path;
  });
}
