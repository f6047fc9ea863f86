import {
  DISCOVERY_PATH,
  DiscoveryDocumentSchema,
  type DiscoveryDocument,
  type EndpointKey,
} from '../protocol/index.ts';
import { freshnessSeconds, parseCacheControl } from './cache-control.ts';
import { LIMITS } from './config.ts';
import type { ClientFaultSet } from './faults.ts';
import { TransportError, type HttpClient } from './http.ts';
import { log } from './log.ts';
import { ToolError, errorFromAnswer, isRecord } from './tool-error.ts';
import { sameOrigin, type UrlPolicy } from './url-policy.ts';

/** The protocol major version this client implements (§5.1.1). */
export const SUPPORTED_MAJOR_VERSION = 1;

/** A provider as discovery describes it. */
export interface Provider {
  /** The service URL the document was fetched under (no trailing slash). */
  serviceUrl: string;
  discoveryUrl: string;
  document: DiscoveryDocument;
  issuer: string;
  name: string;
  description: string;
}

interface CacheEntry {
  provider: Provider;
  /** Epoch ms until which the document is used without asking again. */
  freshUntil: number;
  /** May be used after freshUntil when discovery is unreachable (not for no-store or must-revalidate). */
  staleUsable: boolean;
}

export function serviceUrlOf(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Fetches and keeps discovery documents (§5.1). The version is checked before anything else is read
 * (§5.1.1); Cache-Control decides reuse (§5.1, §10.5 MUST), an hour without it, never over 24 hours;
 * when discovery is unreachable the last good document stays in use (§10.5 SHOULD).
 */
export class Discovery {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly http: HttpClient,
    private readonly policy: UrlPolicy,
    private readonly faults: ClientFaultSet,
  ) {}

  async provider(serviceUrl: string, opts: { refresh?: boolean } = {}): Promise<Provider> {
    const base = serviceUrlOf(serviceUrl);
    const cached = this.cache.get(base);
    if (
      cached !== undefined &&
      !opts.refresh &&
      (Date.now() < cached.freshUntil || this.faults.has('caches-discovery-forever'))
    ) {
      return cached.provider;
    }
    try {
      return await this.fetch(base);
    } catch (error) {
      const unreachable =
        error instanceof TransportError ||
        (error instanceof ToolError && /^http_5\d\d$|^internal_error$/.test(error.code));
      if (cached?.staleUsable && unreachable) {
        log(
          `discovery at ${cached.provider.discoveryUrl} is unreachable; using the last document (${error instanceof Error ? error.message : String(error)})`,
        );
        return cached.provider;
      }
      throw error;
    }
  }

  /** Forgets a provider's document, so the next use fetches it again. */
  forget(serviceUrl: string): void {
    this.cache.delete(serviceUrlOf(serviceUrl));
  }

  private async fetch(base: string): Promise<Provider> {
    const discoveryUrl = `${base}${DISCOVERY_PATH}`;
    const allowAnyHttp = this.faults.has('accepts-http-discovery');
    this.policy.require(discoveryUrl, 'discovery URL', { allowAnyHttp });
    const answer = await this.http.send({ method: 'GET', url: discoveryUrl, allowAnyHttp });
    if (answer.status !== 200) throw errorFromAnswer(answer, `discovery at ${discoveryUrl}`);
    const document = this.read(answer.json, discoveryUrl);
    // Tokens name the issuer string exactly as discovery gives it (§4.2 aud); its transport must pass too.
    this.policy.require(document.issuer, 'discovery issuer', { allowAnyHttp });
    const issuer = document.issuer;
    const provider: Provider = {
      serviceUrl: base,
      discoveryUrl,
      document,
      issuer,
      name: document.provider_name,
      description: document.description,
    };
    const directives = parseCacheControl(answer.headers.get('cache-control'));
    const ttl = freshnessSeconds(answer.headers, {
      defaultSeconds: LIMITS.discoveryDefaultTtlSeconds,
      maxSeconds: LIMITS.discoveryMaxTtlSeconds,
    });
    if (!directives.noStore || this.faults.has('caches-discovery-forever')) {
      this.cache.set(base, {
        provider,
        freshUntil: Date.now() + ttl * 1000,
        staleUsable: !directives.mustRevalidate && !directives.noStore,
      });
    } else {
      this.cache.delete(base);
    }
    return provider;
  }

  /** The version first (an unsupported major stops here, §5.1.1), then the document's shape. */
  private read(body: unknown, discoveryUrl: string): DiscoveryDocument {
    if (!isRecord(body)) throw new ToolError('invalid_discovery', `${discoveryUrl} did not answer a JSON object`);
    const version = body.version;
    const major = typeof version === 'string' ? /^(\d+)\./.exec(version)?.[1] : undefined;
    if (major === undefined) {
      throw new ToolError(
        'unsupported_version',
        `${discoveryUrl} gives no usable protocol version (${JSON.stringify(version)})`,
        {
          version: version ?? null,
        },
      );
    }
    if (Number(major) !== SUPPORTED_MAJOR_VERSION && !this.faults.has('ignores-unsupported-version')) {
      throw new ToolError(
        'unsupported_version',
        `the server implements Agent Auth version ${String(version)}; this client supports major version ${SUPPORTED_MAJOR_VERSION} only, so it stops here`,
        { version, supported_major: SUPPORTED_MAJOR_VERSION },
      );
    }
    const parsed = DiscoveryDocumentSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ToolError(
        'invalid_discovery',
        `${discoveryUrl} is not a valid discovery document (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`,
      );
    }
    return parsed.data;
  }
}

/**
 * The URL of a discovery endpoint. Paths are appended to the issuer string (§5: endpoints are
 * relative to the issuer, and §5.1 derives `{issuer}{endpoints.execute}`), so an issuer with a path
 * keeps it. An absolute URL is used as given when it shares the issuer's origin; on any other origin
 * it is refused, because every request to it would carry a token for this provider.
 */
export function endpointUrl(provider: Provider, key: EndpointKey, faults: ClientFaultSet): string {
  const value = provider.document.endpoints[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ToolError(
      'unsupported_endpoint',
      `${provider.name} advertises no "${key}" endpoint in its discovery document`,
    );
  }
  if (value.startsWith('/')) {
    if (faults.has('endpoint-resolution-drops-issuer-path')) return new URL(value, provider.issuer).href;
    return `${provider.issuer.replace(/\/+$/, '')}${value}`;
  }
  if (!sameOrigin(value, provider.issuer)) {
    throw new ToolError(
      'refused_url',
      `${provider.name} places its "${key}" endpoint on another origin than its issuer: ${value}`,
    );
  }
  return value;
}

/** Where capabilities without their own location execute: default_location, else issuer + endpoints.execute (§5.1). */
export function defaultLocation(provider: Provider, faults: ClientFaultSet): string {
  if (typeof provider.document.default_location === 'string') return provider.document.default_location;
  if (faults.has('default-location-is-issuer')) return provider.issuer;
  return endpointUrl(provider, 'execute', faults);
}
