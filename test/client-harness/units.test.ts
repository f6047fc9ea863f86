import { describe, expect, it } from 'vitest';
import { capContent, capJson, capText, TRUNCATED_KEY } from '../../src/client-harness/drivers/caps.ts';
import { DriverConfigError } from '../../src/client-harness/drivers/driver.ts';
import { LineSplitter } from '../../src/client-harness/drivers/lines.ts';
import { parseEnvAssignments, splitCommandLine, substitute } from '../../src/client-harness/drivers/placeholders.ts';
import { resultFromMcp } from '../../src/client-harness/drivers/result.ts';
import { Transcript } from '../../src/client-harness/drivers/transcript.ts';
import { TranscriptSnapshotSchema } from '../../src/model/index.ts';

describe('command lines and placeholders', () => {
  it('splits like a shell would for plain words, without interpreting anything', () => {
    expect(splitCommandLine(`npx -y my-client --name 'a b' "c \\"d\\"" e\\ f`)).toEqual([
      'npx',
      '-y',
      'my-client',
      '--name',
      'a b',
      'c "d"',
      'e f',
    ]);
    expect(splitCommandLine(`client --url '{issuer}?a=1&b=2' ''`)).toEqual(['client', '--url', '{issuer}?a=1&b=2', '']);
    expect(() => splitCommandLine('client | tee')).toThrow(DriverConfigError);
    expect(() => splitCommandLine('client > log')).toThrow(/sh -c/);
    expect(() => splitCommandLine('client $(whoami)')).toThrow(DriverConfigError);
    expect(() => splitCommandLine('HOME=/tmp client')).toThrow(/--env/);
    expect(() => splitCommandLine(`client 'open`)).toThrow(/unclosed/);
    expect(() => splitCommandLine('   ')).toThrow(/empty/);
  });

  it('substitutes known placeholders once and leaves other braces alone', () => {
    const values = { issuer: 'https://i.test/{tmp}', tmp: '/t', scenario: 's1' };
    expect(substitute('{issuer} {tmp}/{scenario} {"a":{other}}', values)).toBe(
      'https://i.test/{tmp} /t/s1 {"a":{other}}',
    );
    expect(parseEnvAssignments(['A=1', 'B=x=y', 'C='])).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(() => parseEnvAssignments(['1A=x'])).toThrow(DriverConfigError);
  });
});

describe('caps', () => {
  it('cuts text, JSON and content with markers', () => {
    expect(capText('abc', 10)).toEqual({ text: 'abc', truncated: false });
    expect(capText('abcdef', 3)).toEqual({ text: 'abc\n…[truncated: 6 bytes in total]', truncated: true });
    expect(capJson({ a: 1, f: () => 1, u: undefined })).toEqual({ value: { a: 1 }, truncated: false });
    expect(capJson({ big: 'x'.repeat(100) }, 50).value).toMatchObject({
      [TRUNCATED_KEY]: 'JSON value of 110 bytes exceeds the 50-byte cap',
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((capJson(cyclic).value as Record<string, string>)[TRUNCATED_KEY]).toMatch(/^not serializable/);
    const blocks = [
      { type: 'text', text: 'a'.repeat(600) },
      { type: 'text', text: 'b'.repeat(600) },
      { type: 'image', data: 'x' },
    ];
    const { content, truncated } = capContent(blocks, 1000);
    expect(truncated).toBe(true);
    expect(content).toHaveLength(3);
    expect((content[1] as { text: string }).text).toMatch(/^b+\n…\[truncated: 600 bytes in total\]$/);
    expect(content[2]).toMatchObject({
      type: TRUNCATED_KEY,
      text: '1 more content block(s) dropped: content exceeds the 1000-byte cap',
    });
  });

  it('bounds a line without newline', () => {
    const lines: [string, boolean, number][] = [];
    const splitter = new LineSplitter(4, (line, info) => lines.push([line, info.truncated, info.bytes]));
    splitter.push(Buffer.from('ab\r\ncdefgh'));
    splitter.push(Buffer.from('ij\n\nk'));
    splitter.end();
    expect(lines).toEqual([
      ['ab', false, 3],
      ['cdef', true, 8],
      ['', false, 0],
      ['k', false, 1],
    ]);
  });
});

describe('transcript', () => {
  it('keeps order across kinds and caps what floods', () => {
    const transcript = new Transcript({ maxNotifications: 2, maxProtocol: 1, maxStderrBytes: 10 });
    transcript.lifecycle('start', 'go');
    transcript.stderr('12345');
    transcript.notification('notifications/message', { n: 1 });
    transcript.stderr('67890');
    transcript.notification('ping', undefined, 'request');
    transcript.notification('notifications/message', { n: 3 });
    transcript.protocol('bad line', 'garbage');
    transcript.protocol('bad again');
    transcript.stderr('abc');
    const snapshot = TranscriptSnapshotSchema.parse(transcript.snapshot());
    expect(snapshot.entries.map((entry) => [entry.seq, entry.kind])).toEqual([
      [1, 'lifecycle'],
      [3, 'notification'],
      [4, 'stderr'],
      [5, 'request'],
      [6, 'protocol'],
      [7, 'stderr'],
    ]);
    expect(snapshot.dropped).toEqual({ notifications: 1, protocol: 1, stderr_lines: 1, stderr_bytes: 6 });
    expect(transcript.stderrTail()).toBe('67890\nabc');
  });
});

describe('MCP results', () => {
  it('keeps a malformed result and says what is wrong with it', () => {
    const { result, problem } = resultFromMcp({ content: [{ type: 'text' }], isError: 'yes' });
    expect(result).toMatchObject({ is_error: false, text: '', content: [{ type: 'text' }] });
    expect(problem).toMatch(/^malformed tools\/call result at content\.0/);
    const twoBlocks = resultFromMcp({
      content: [
        { type: 'text', text: '{"a":1}' },
        { type: 'text', text: 'done' },
      ],
      structuredContent: { a: 2 },
    }).result;
    expect(twoBlocks).toMatchObject({ text: '{"a":1}\ndone', json: { a: 2 } });
    expect(resultFromMcp({ content: [{ type: 'text', text: '[1,2]' }] }).result.json).toEqual([1, 2]);
  });
});
