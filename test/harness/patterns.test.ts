import { describe, expect, it } from 'vitest';
import { isSelected, matchesPattern, parsePatterns } from '../../src/harness/patterns.ts';

describe('patterns', () => {
  it('match globs and id prefixes', () => {
    expect(parsePatterns(['server.jwt.*, server.discovery', ' '])).toEqual(['server.jwt.*', 'server.discovery']);
    expect(matchesPattern('server.jwt.agent.typ', 'server.jwt.*')).toBe(true);
    expect(matchesPattern('server.jwtx', 'server.jwt')).toBe(false);
    expect(matchesPattern('server.jwt.a', 'server.jwt')).toBe(true);
    expect(matchesPattern('server.a.b', 'server.?.b')).toBe(true);
    expect(isSelected('a.b', [], ['a.*'])).toBe(false);
    expect(isSelected('a.b', ['a.*'], [])).toBe(true);
    expect(isSelected('c', ['a.*'], [])).toBe(false);
  });
});
