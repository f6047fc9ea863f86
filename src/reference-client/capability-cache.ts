import { freshnessSeconds } from './cache-control.ts';
import { LIMITS } from './config.ts';
import type { ClientFaultSet } from './faults.ts';

interface Entry {
  issuer: string;
  value: unknown;
  freshUntil: number;
}

/**
 * Capability list and describe answers (§10.6): reused while Cache-Control allows (five minutes
 * without it, never over an hour), keyed by URL and by the identity that asked, since answers
 * differ per identity (§10.6 MUST), and dropped for a provider on capability_not_found or
 * invalid_request during execution (§10.6 MUST).
 */
export class CapabilityCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly faults: ClientFaultSet) {}

  get(url: string, identity: string): unknown {
    const key = this.key(url, identity);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (Date.now() >= entry.freshUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  put(url: string, identity: string, issuer: string, value: unknown, headers: Headers): void {
    const ttl = freshnessSeconds(headers, {
      defaultSeconds: LIMITS.capabilityDefaultTtlSeconds,
      maxSeconds: LIMITS.capabilityMaxTtlSeconds,
    });
    if (ttl <= 0) return;
    this.entries.set(this.key(url, identity), { issuer, value, freshUntil: Date.now() + ttl * 1000 });
  }

  /** Drops everything cached for one provider. */
  invalidate(issuer: string): void {
    for (const [key, entry] of this.entries) if (entry.issuer === issuer) this.entries.delete(key);
  }

  private key(url: string, identity: string): string {
    return this.faults.has('capability-cache-ignores-identity') ? url : `${identity} ${url}`;
  }
}
