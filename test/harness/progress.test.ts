import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { closingLines, progressLine, summaryTable } from '../../src/harness/progress.ts';
import { PLAIN, terminalStyle, wrap } from '../../src/harness/terminal.ts';
import { activeWorkarounds } from '../../src/harness/workarounds.ts';
import { result, sampleReport } from '../reports/sample-report.ts';

describe('progress output', () => {
  it('prints one line per check with symbol, id, duration and reason', () => {
    expect(progressLine(result())).toBe('✗ server.jwt.rejects-alg-none (12 ms)  expected HTTP 401, got 200 <script>');
    expect(progressLine(result({ status: 'passed' }))).toBe('✓ server.jwt.rejects-alg-none (12 ms)');
  });

  it('prints a table by area and the verdict', () => {
    const report = sampleReport();
    const table = summaryTable(report).split('\n');
    expect(table[0]).toMatch(/^area\s+passed\s+failed\s+warning\s+info\s+skipped\s+not-applicable\s+error$/);
    expect(table.some((line) => /^discovery\s+1\s+0\s+1\s+0\s+0\s+0\s+0$/.test(line))).toBe(true);
    expect(table.at(-1)).toMatch(/^total\s+1\s+1\s+1\s+0\s+1\s+0\s+1$/);
    expect(closingLines(report).at(-1)).toBe('exit 1: conformance failures');
  });

  it('names active workarounds with their reasons before the verdict', () => {
    expect(closingLines(sampleReport()).some((line) => line.includes('WORKAROUNDS'))).toBe(false);
    const lines = closingLines({ ...sampleReport(), workarounds: activeWorkarounds({ agentJwtIssuer: 'host-id' }) });
    const start = lines.findIndex((line) => line.startsWith('WORKAROUNDS ACTIVE (1)'));
    expect(start).toBeGreaterThan(0);
    expect(lines[start + 1]).toMatch(/^ {2}agentJwtIssuer: host-id — agent JWTs minted by the harness carry/);
    expect(lines[start + 2]).toMatch(/^ {4}reason: the target refuses agent JWTs whose iss is the host key thumbprint/);
    expect(lines[start + 3]).toContain('server.jwt.agent.execute.thumbprint-iss-accepted');
    expect(lines.at(-1)).toBe('exit 1: conformance failures');
  });

  it('counts finished checks against the total, padded so the lines align', () => {
    expect(progressLine(result({ status: 'passed' }), { done: 7, total: 148 })).toBe(
      '  7/148 ✓ server.jwt.rejects-alg-none (12 ms)',
    );
    expect(progressLine(result(), { done: 148, total: 148 })).toMatch(/^148\/148 ✗ server\.jwt\.rejects-alg-none/);
  });

  it('prints a long reason whole, wrapped to the width under the id', () => {
    const words = Array.from({ length: 80 }, (_, n) => `word${n}`);
    const message = `${words.join(' ')} END`;
    const text = progressLine(result({ status: 'skipped', message }), { done: 3, total: 12 }, PLAIN);
    const lines = text.split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    for (const line of lines.slice(1)) expect(line.startsWith('        ')).toBe(true);
    expect(lines.map((line) => line.trim()).join(' ')).toContain(message);
    expect(text).not.toContain('…');
  });

  it('keeps every line of a multi-line reason and splits a word longer than a line', () => {
    expect(wrap(`first line\n${'x'.repeat(25)}`, 10)).toEqual([
      'first line',
      'x'.repeat(10),
      'x'.repeat(10),
      'x'.repeat(5),
    ]);
    const text = progressLine(result({ message: 'one\ntwo' }), undefined, { colour: false, width: 70 });
    expect(text.split('\n')).toEqual(['✗ server.jwt.rejects-alg-none (12 ms)  one', '  two']);
  });

  it('colours only a terminal, or when FORCE_COLOR asks, and never under NO_COLOR', () => {
    const tty = { isTTY: true, columns: 132 };
    const pipe = { isTTY: false };
    expect(terminalStyle(tty, {})).toEqual({ colour: true, width: 132 });
    expect(terminalStyle(pipe, {})).toEqual({ colour: false, width: 100 });
    expect(terminalStyle(tty, { NO_COLOR: '1' }).colour).toBe(false);
    expect(terminalStyle(tty, { NO_COLOR: '1', FORCE_COLOR: '1' }).colour).toBe(false);
    expect(terminalStyle(tty, { TERM: 'dumb' }).colour).toBe(false);
    expect(terminalStyle(pipe, { FORCE_COLOR: '1' }).colour).toBe(true);
    expect(terminalStyle(tty, { FORCE_COLOR: '0' }).colour).toBe(false);
  });

  it('writes ANSI colour only when the style has colour', () => {
    const plain = progressLine(result(), { done: 1, total: 2 }, terminalStyle({ isTTY: false }, {}));
    expect(plain).toBe(stripVTControlCharacters(plain));
    const forced = terminalStyle({ isTTY: false }, { FORCE_COLOR: '1' });
    const coloured = progressLine(result(), { done: 1, total: 2 }, forced);
    expect(coloured).not.toBe(stripVTControlCharacters(coloured));
    expect(stripVTControlCharacters(coloured)).toBe(plain);
    const verdict = closingLines(sampleReport(), forced).at(-1) ?? '';
    expect(stripVTControlCharacters(verdict)).toBe('exit 1: conformance failures');
    expect(verdict).not.toBe('exit 1: conformance failures');
  });

  it('wraps the closing skip reasons too, whole', () => {
    const reason = `needs the operator control hook ("approve"): give --control-url (spec/control-contract.md) ${'and more '.repeat(12)}END`;
    const report = sampleReport([result({ status: 'skipped', message: reason })]);
    const lines = closingLines(report, { colour: false, width: 60 });
    const start = lines.findIndex((line) => line.startsWith('  skipped 1: '));
    const block = lines.slice(start).filter((line) => /^ {2}/.test(line));
    expect(block.length).toBeGreaterThan(2);
    for (const line of block) expect(line.length).toBeLessThanOrEqual(60);
    expect(block.map((line) => line.trim()).join(' ')).toBe(`skipped 1: ${reason}`);
  });
});
