import type { TargetInfo } from './protocol-client/index.ts';
import type { TargetProfile } from './target-profile.ts';

/**
 * Where the harness's JWTs may go. A host JWT names the issuer as its audience and lives a minute,
 * so whoever receives one can replay it against the issuer: tokens go only to the issuer's origin,
 * the origins discovery names for execution (`default_location`, a capability's own `location`,
 * §2.12), and origins the profile lists (`credentialOrigins`). A request carrying a token anywhere
 * else is recorded and not sent; discovery naming an endpoint elsewhere is said in the run header
 * and judged by server.discovery.endpoints-resolvable.
 */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The origins that receive credentials and why, for the run header; the policy reads the same sources. */
function legitimateOrigins(target: TargetInfo, profile: TargetProfile | undefined): Map<string, string> {
  const origins = new Map<string, string>();
  const add = (url: string | undefined, why: string) => {
    const origin = url === undefined ? undefined : originOf(url);
    if (origin !== undefined && !origins.has(origin)) origins.set(origin, why);
  };
  add(target.issuer, 'the issuer');
  const defaultLocation = target.discovery.default_location;
  add(typeof defaultLocation === 'string' ? defaultLocation : undefined, 'default_location');
  for (const [name, location] of Object.entries(target.capabilityLocations)) add(location, `location of ${name}`);
  for (const origin of profile?.credentialOrigins ?? []) add(origin, 'the profile’s credentialOrigins');
  return origins;
}

export function credentialPolicy(target: TargetInfo, profile: () => TargetProfile | undefined): (url: URL) => boolean {
  return (url) => legitimateOrigins(target, profile()).has(url.origin);
}

/** Run-header notes: origins other than the issuer's that receive credentials, and endpoints that receive none. */
export function credentialNotes(target: TargetInfo, profile: TargetProfile | undefined): string[] {
  const origins = legitimateOrigins(target, profile);
  const issuer = originOf(target.issuer);
  const notes: string[] = [];
  const others = [...origins].filter(([origin]) => origin !== issuer);
  if (others.length > 0)
    notes.push(`credentials also go to: ${others.map(([origin, why]) => `${origin} (${why})`).join(', ')}`);
  const offOrigin = Object.entries(target.endpoints).filter(([, resolution]) => {
    const origin = originOf(resolution.url);
    return origin !== undefined && !origins.has(origin);
  });
  if (offOrigin.length > 0) {
    notes.push(
      `CREDENTIALS WITHHELD: discovery names endpoints on another origin than the issuer's, and no token is sent there: ${offOrigin.map(([key, resolution]) => `${key} (${resolution.url})`).join(', ')}; list the origin in the profile's credentialOrigins if it is yours`,
    );
  }
  return notes;
}
