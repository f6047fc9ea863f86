import { describe, expect, it } from 'vitest';
import { defaultLocation, resolveEndpoint, resolveEndpoints } from '../../src/harness/endpoints.ts';

describe('endpoint resolution', () => {
  it('joins paths to the issuer (keeping its path prefix) and accepts absolute URLs', () => {
    expect(resolveEndpoint('https://x.example/auth', '/agent/register')).toEqual({
      value: '/agent/register',
      form: 'relative',
      url: 'https://x.example/auth/agent/register',
    });
    expect(resolveEndpoint('https://x.example/', '/a')?.url).toBe('https://x.example/a');
    expect(resolveEndpoint('https://x.example', 'https://y.example/exec')?.form).toBe('absolute');
    expect(resolveEndpoint('https://x.example', 'agent/register')).toBeUndefined();
    const { resolved, problems } = resolveEndpoints('https://x.example', { a: '/a', b: 3, c: 'ftp://z' });
    expect(Object.keys(resolved)).toEqual(['a']);
    expect(Object.keys(problems)).toEqual(['b', 'c']);
    expect(defaultLocation({ issuer: 'https://x.example', endpoints: { execute: '/run' } })).toBe(
      'https://x.example/run',
    );
    expect(
      defaultLocation({ issuer: 'https://x.example', default_location: 'https://e.example/x', endpoints: {} }),
    ).toBe('https://e.example/x');
  });
});
