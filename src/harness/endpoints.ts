export type { EndpointResolution } from '../model/index.ts';
import type { EndpointResolution } from '../model/index.ts';
import { DISCOVERY_PATH } from '../protocol/index.ts';

/** `{url}/.well-known/agent-configuration`, without doubling slashes. */
export function discoveryUrlFor(serviceUrl: string): string {
  return `${serviceUrl.replace(/\/+$/, '')}${DISCOVERY_PATH}`;
}

export function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Resolves one discovery endpoint value. Paths are appended to the issuer string (§5 says they are
 * relative to it, and `{issuer}{endpoints.execute}` is how §5.1 derives default_location), so an
 * issuer with a path prefix keeps it. Returns undefined for values that are neither form.
 */
export function resolveEndpoint(issuer: string, value: string): EndpointResolution | undefined {
  if (isAbsoluteHttpUrl(value)) return { value, form: 'absolute', url: value };
  if (!value.startsWith('/')) return undefined;
  const url = `${issuer.replace(/\/+$/, '')}${value}`;
  return isAbsoluteHttpUrl(url) ? { value, form: 'relative', url } : undefined;
}

export interface ResolvedEndpoints {
  resolved: Record<string, EndpointResolution>;
  /** Endpoint keys whose values could not be resolved, with the reason. */
  problems: Record<string, string>;
}

export function resolveEndpoints(issuer: string, endpoints: Record<string, unknown>): ResolvedEndpoints {
  const resolved: Record<string, EndpointResolution> = {};
  const problems: Record<string, string> = {};
  for (const [key, value] of Object.entries(endpoints)) {
    if (typeof value !== 'string') {
      problems[key] = `value is ${JSON.stringify(value)}, not a string`;
      continue;
    }
    const resolution = resolveEndpoint(issuer, value);
    if (resolution) resolved[key] = resolution;
    else problems[key] = `"${value}" is neither an absolute http(s) URL nor a path starting with "/"`;
  }
  return { resolved, problems };
}

/** The default execution location: `default_location`, else `{issuer}{endpoints.execute}` (§5.1). */
export function defaultLocation(discovery: {
  issuer: string;
  default_location?: unknown;
  endpoints?: unknown;
}): string | undefined {
  if (typeof discovery.default_location === 'string') return discovery.default_location;
  const endpoints = discovery.endpoints as Record<string, unknown> | undefined;
  const execute = endpoints?.['execute'];
  return typeof execute === 'string' ? resolveEndpoint(discovery.issuer, execute)?.url : undefined;
}
