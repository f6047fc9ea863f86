import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/harness/sse.ts';

describe('SSE parser', () => {
  it('parses events across chunk boundaries, defaulting to data and keeping empty done events', () => {
    const parser = new SseParser();
    expect(parser.push(': comment\r\ndata: {"a"')).toBe(false);
    expect(parser.push(':1}\r\n\r\nevent: error\ndata: x\ndata: y\nid: 7\n\n')).toBe(false);
    expect(parser.push('event: done\n\n')).toBe(true);
    expect(parser.events).toEqual([
      { event: 'data', data: '{"a":1}' },
      { event: 'error', data: 'x\ny', id: '7' },
      { event: 'done', data: '', id: '7' },
    ]);
  });
});
