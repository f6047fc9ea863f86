import type { DiscoveryDocument } from '../protocol/index.ts';
import type { TargetInfo } from './protocol-client/index.ts';
import { probeControl, type ControlInfo } from './control-client.ts';
import { isAbsoluteHttpUrl, resolveEndpoints } from './endpoints.ts';
import { describeExchange } from '../model/index.ts';
import type { HttpSession } from './http-driver.ts';
import { inferProfile, mergeProfiles, type CapabilityFacts, type TargetProfile } from './target-profile.ts';

/** Most capabilities described during setup to infer the profile (each is one request). */
const MAX_DESCRIBED = 50;

export class SetupError extends Error {
  override name = 'SetupError';
}

/**
 * Fetches discovery and checks the minimum a run needs: a JSON object with an absolute `issuer` and
 * an `endpoints` object. Everything else about the document is judged by the discovery checks.
 */
export async function loadTarget(http: HttpSession, discoveryUrl: string, notes: string[]): Promise<TargetInfo> {
  const result = await http.send({ method: 'GET', url: discoveryUrl, label: 'discovery' });
  if (result.error) throw new SetupError(`discovery is unreachable: ${describeExchange(result.exchange)}`);
  if (result.status !== 200)
    throw new SetupError(`discovery answered HTTP ${result.status} at ${discoveryUrl}, expected 200`);
  const document: unknown = result.json;
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new SetupError(`discovery at ${discoveryUrl} did not answer a JSON object`);
  }
  const { issuer, endpoints } = document as { issuer?: unknown; endpoints?: unknown };
  if (typeof issuer !== 'string' || !isAbsoluteHttpUrl(issuer)) {
    throw new SetupError(
      `discovery has no absolute http(s) "issuer" (got ${JSON.stringify(issuer)}); nothing can be addressed`,
    );
  }
  if (typeof endpoints !== 'object' || endpoints === null || Array.isArray(endpoints)) {
    throw new SetupError('discovery has no "endpoints" object; no endpoint can be located');
  }
  const { resolved, problems } = resolveEndpoints(issuer, endpoints as Record<string, unknown>);
  for (const [key, problem] of Object.entries(problems)) notes.push(`endpoint "${key}" cannot be used: ${problem}`);
  const relative = Object.keys(resolved).filter((key) => resolved[key]?.form === 'relative');
  const absolute = Object.keys(resolved).filter((key) => resolved[key]?.form === 'absolute');
  if (relative.length > 0) notes.push(`endpoints given as paths relative to the issuer: ${relative.join(', ')}`);
  if (absolute.length > 0) notes.push(`endpoints given as absolute URLs: ${absolute.join(', ')}`);
  return {
    issuer,
    discoveryUrl,
    discovery: document as DiscoveryDocument,
    endpoints: resolved,
    capabilityLocations: {},
  };
}

export async function loadControl(http: HttpSession, controlUrl: string): Promise<ControlInfo> {
  const probe = await probeControl(http, controlUrl);
  if (!probe.ok) throw new SetupError(probe.error);
  return probe.info;
}

/**
 * Lists and describes the target's capabilities without authentication to infer roles the given
 * profile leaves open, and records capability locations on the target. Never fails the run.
 */
export async function completeProfile(
  http: HttpSession,
  target: TargetInfo,
  given: TargetProfile | undefined,
  notes: string[],
): Promise<{ profile: TargetProfile; inferred: boolean }> {
  const listUrl = target.endpoints['capabilities']?.url;
  if (!listUrl) return { profile: given ?? {}, inferred: false };
  const list = await http.send({ method: 'GET', url: listUrl, label: 'setup: list capabilities (no auth)' });
  const entries: unknown = list.json?.capabilities;
  if (list.status !== 200 || !Array.isArray(entries)) {
    notes.push(
      `capability roles not inferred: unauthenticated listing answered ${list.error ? list.error.kind : list.status}`,
    );
    return { profile: given ?? {}, inferred: false };
  }
  const names = entries
    .map((entry: unknown) => (entry as { name?: unknown } | null)?.name)
    .filter((name): name is string => typeof name === 'string');
  const describeUrl = target.endpoints['describe_capability']?.url;
  const facts: CapabilityFacts[] = [];
  for (const name of names.slice(0, MAX_DESCRIBED)) {
    const fact: CapabilityFacts = { name };
    if (describeUrl) {
      const described = await http.send({
        method: 'GET',
        url: `${describeUrl}?name=${encodeURIComponent(name)}`,
        label: `setup: describe ${name} (no auth)`,
      });
      if (described.status === 200 && typeof described.json === 'object' && described.json !== null) {
        fact.input = described.json.input;
        if (typeof described.json.location === 'string' && isAbsoluteHttpUrl(described.json.location)) {
          target.capabilityLocations[name] = described.json.location;
        }
      }
    }
    facts.push(fact);
  }
  if (facts.length === 0) {
    notes.push('capability roles not inferred: the unauthenticated listing is empty');
    return { profile: given ?? {}, inferred: false };
  }
  notes.push(`capabilities listed without authentication: ${names.join(', ')}`);
  return { profile: mergeProfiles(given, inferProfile(facts)), inferred: true };
}
