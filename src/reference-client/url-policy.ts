import { ToolError } from './tool-error.ts';

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/** scheme + host + port equality (RFC 6454), false for anything that is not an absolute URL. */
export function sameOrigin(a: string | URL, b: string | URL): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

export function parseAbsoluteUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which URLs the client talks to at all: https only (§8.12 "HTTPS only", for fetched and for
 * server-returned URLs), except plain http on a loopback origin when the operator allowed it for
 * testing (`--allow-insecure-loopback`). Callers add the origin rules their URL kind needs.
 */
export class UrlPolicy {
  constructor(readonly allowInsecureLoopback: boolean) {}

  transportAllowed(url: URL): boolean {
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && this.allowInsecureLoopback && isLoopbackHost(url.hostname);
  }

  /**
   * The parsed URL when it is absolute and its transport is allowed; a ToolError `refused_url`
   * naming `what` otherwise. `allowAnyHttp` lifts the https rule (only fault injection uses it).
   */
  require(value: unknown, what: string, opts: { allowAnyHttp?: boolean } = {}): URL {
    const url = parseAbsoluteUrl(value);
    if (url === undefined)
      throw new ToolError('refused_url', `${what} is not an absolute http(s) URL: ${JSON.stringify(value)}`);
    if (!this.transportAllowed(url) && !(opts.allowAnyHttp && url.protocol === 'http:')) {
      const allowance = this.allowInsecureLoopback ? ' (plain http is allowed for loopback origins only)' : '';
      throw new ToolError('refused_url', `${what} must use https${allowance}: ${url.href}`, { url: url.href });
    }
    return url;
  }
}
