import type { DiscoveryDocument } from '../protocol/index.ts';
import type { TargetInfo } from './protocol-client/index.ts';
import { probeControl, type ControlInfo } from './control-client.ts';
import { isAbsoluteHttpUrl, resolveEndpoints } from './endpoints.ts';
import { describeExchange } from '../model/index.ts';
import type { HttpSession } from './http-driver.ts';
import { inferProfile, mergeProfiles, type CapabilityFacts, type TargetProfile } from './target-profile.ts';

/** The roles only using a capability can tell (setup-probe.ts): no probe when all are known. */
const PROBED_ROLES = ['async', 'stream', 'highRisk'] as const;

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

/** Signs a bearer token for a setup request: a fresh host's JWT, made once per run. */
export type SetupToken = () => Promise<string>;

/** Learns roles by using the listed capabilities (setup-probe.ts), given the profile inferred so far. */
export type CapabilityProbe = (names: readonly string[], profile: TargetProfile) => Promise<Partial<TargetProfile>>;

interface Listing {
  names: string[];
  /** What the listing answered when it gave no names. */
  problem?: string;
}

async function listNames(http: HttpSession, url: string, token: string | undefined, who: string): Promise<Listing> {
  const list = await http.send({ method: 'GET', url, token, label: `setup: list capabilities (${who})` });
  const entries: unknown = list.json?.capabilities;
  if (list.status !== 200 || !Array.isArray(entries))
    return { names: [], problem: `${who} listing answered ${list.error ? list.error.kind : list.status}` };
  const names = entries
    .map((entry: unknown) => (entry as { name?: unknown } | null)?.name)
    .filter((name): name is string => typeof name === 'string');
  return names.length > 0 ? { names } : { names, problem: `${who} listing is empty` };
}

/** Why a role stayed empty, and the profile member that would fill it. */
const ROLE_HELP: Record<string, { why: string; snippet: string }> = {
  sync: { why: 'no capability without required input', snippet: '"sync": "<capability>"' },
  'with-input': { why: 'no capability with a required string input field', snippet: '"with-input": "<capability>"' },
  constrainable: {
    why: 'no capability with both a numeric and a string input field',
    snippet: '"constrainable": {"name": "<capability>", "numericField": "<field>", "stringField": "<field>"}',
  },
  second: { why: 'only one capability is visible', snippet: '"second": "<capability>"' },
  async: { why: 'execution kinds cannot be told from a description', snippet: '"async": "<capability>"' },
  stream: { why: 'execution kinds cannot be told from a description', snippet: '"stream": "<capability>"' },
  highRisk: { why: 'approval policies cannot be told from a description', snippet: '"highRisk": "<capability>"' },
};

/** Run-header notes: which roles were inferred, which stay empty and why, and a profile snippet filling them. */
function roleNotes(profile: TargetProfile): string[] {
  const filled = Object.keys(ROLE_HELP).filter((role) => profile[role as keyof TargetProfile] !== undefined);
  const empty = Object.keys(ROLE_HELP).filter((role) => profile[role as keyof TargetProfile] === undefined);
  const notes = [`capability roles filled: ${filled.length > 0 ? filled.join(', ') : 'none'}`];
  if (empty.length > 0) {
    notes.push(
      `capability roles empty (their checks are not applicable): ${empty.map((role) => `${role} (${ROLE_HELP[role]?.why})`).join('; ')}`,
      `a --profile JSON filling them: {${empty.map((role) => ROLE_HELP[role]?.snippet).join(', ')}}`,
    );
  }
  return notes;
}

/**
 * Lists and describes the target's capabilities as an anonymous caller and as a freshly made host
 * (§5.2 lets a server show anonymous callers only its public capabilities, or none), merges what
 * both see, infers the roles the given profile leaves open, and records capability locations on the
 * target. Never fails the run; says in `notes` what it inferred and what it could not.
 */
export async function completeProfile(
  http: HttpSession,
  target: TargetInfo,
  given: TargetProfile | undefined,
  notes: string[],
  hostToken?: SetupToken,
  probe?: CapabilityProbe,
): Promise<{ profile: TargetProfile; inferred: boolean }> {
  const listUrl = target.endpoints['capabilities']?.url;
  if (!listUrl) return { profile: given ?? {}, inferred: false };
  const anonymous = await listNames(http, listUrl, undefined, 'no auth');
  const token = hostToken ? await hostToken().catch(() => undefined) : undefined;
  const authenticated = token ? await listNames(http, listUrl, token, 'host JWT') : { names: [] };
  const names = [...new Set([...anonymous.names, ...authenticated.names])];
  if (names.length === 0) {
    const problems = [anonymous.problem, authenticated.problem].filter(Boolean).join('; ');
    notes.push(`capability roles not inferred: ${problems}`);
    return { profile: given ?? {}, inferred: false };
  }
  const describeUrl = target.endpoints['describe_capability']?.url;
  const facts: CapabilityFacts[] = [];
  for (const name of names.slice(0, MAX_DESCRIBED)) {
    const fact: CapabilityFacts = { name };
    if (describeUrl) {
      const url = `${describeUrl}?name=${encodeURIComponent(name)}`;
      // As the host first (it may see more), then anonymously.
      let described = token
        ? await http.send({ method: 'GET', url, token, label: `setup: describe ${name} (host JWT)` })
        : undefined;
      if (described?.status !== 200)
        described = await http.send({ method: 'GET', url, label: `setup: describe ${name} (no auth)` });
      if (described.status === 200 && typeof described.json === 'object' && described.json !== null) {
        fact.input = described.json.input;
        if (typeof described.json.location === 'string' && isAbsoluteHttpUrl(described.json.location)) {
          target.capabilityLocations[name] = described.json.location;
        }
      }
    }
    facts.push(fact);
  }
  notes.push(
    `capabilities listed: ${anonymous.names.length > 0 ? `without authentication ${anonymous.names.join(', ')}` : `none without authentication (${anonymous.problem})`}; ${
      token === undefined
        ? 'no host JWT listing'
        : authenticated.names.length > 0
          ? `with a host JWT ${authenticated.names.join(', ')}`
          : `none with a host JWT (${authenticated.problem})`
    }`,
  );
  const inferred = inferProfile(facts);
  // Roles the probe learns by use fill only what the given profile leaves open.
  const known = mergeProfiles(given, inferred);
  const open = PROBED_ROLES.some((role) => known[role] === undefined);
  const probed = probe === undefined || !open ? {} : await probe(names, known);
  const profile = mergeProfiles(given, { ...inferred, ...probed });
  notes.push(...roleNotes(profile));
  return { profile, inferred: true };
}
