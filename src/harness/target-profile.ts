import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { issuesInOneLine } from './input-issues.ts';
import { WorkaroundsSchema } from './workarounds.ts';

/** Roles a target's capabilities play in checks; the target profile names which capability fills each. */
export type CapabilityRole =
  | 'sync' // executes synchronously, no required input
  | 'with-input' // takes a required string input field
  | 'constrainable' // has a numeric field and a string field worth constraining
  | 'async' // answers 202 + status_url
  | 'stream' // answers text/event-stream
  | 'second' // any other grantable capability, distinct from 'sync'
  | 'high-risk'; // never auto-approved: always needs user approval (profile key `highRisk`)

const CapabilityName = z.string().min(1);
const Arguments = z.record(z.string(), z.unknown());

/**
 * Which of the target's capabilities plays each role checks need, plus sample arguments that the
 * target accepts for them. Given with --profile (JSON), otherwise inferred from list/describe.
 */
export const TargetProfileSchema = z.strictObject({
  /** Executes synchronously with no required input. */
  sync: CapabilityName.optional(),
  /** Takes a required string input field. */
  'with-input': CapabilityName.optional(),
  /** Has a numeric and a string input field worth constraining (and optionally one for exact values). */
  constrainable: z
    .strictObject({
      name: CapabilityName,
      numericField: z.string().min(1),
      stringField: z.string().min(1),
      exactField: z.string().min(1).optional(),
    })
    .optional(),
  /** Answers execution with 202 + status_url. */
  async: CapabilityName.optional(),
  /** Answers execution with text/event-stream. */
  stream: CapabilityName.optional(),
  /** Any other grantable capability, distinct from `sync`. */
  second: CapabilityName.optional(),
  /** Never auto-approved: always needs user approval. */
  highRisk: CapabilityName.optional(),
  /** A burst of this many requests from one agent is expected to trigger 429 rate_limited. */
  rateLimit: z.strictObject({ burst: z.number().int().positive() }).optional(),
  /** Valid execution arguments per capability name. */
  arguments: z.record(z.string(), Arguments).optional(),
  /**
   * Execution arguments that make a capability fail on purpose: the `async` capability ends in status
   * "failed", the `stream` capability emits an SSE `error` event. Without them the failure shapes are
   * not tested.
   */
  failureArguments: z.strictObject({ async: Arguments.optional(), stream: Arguments.optional() }).optional(),
  /**
   * The operator started the server allowing JWKS fetches over plain http from 127.0.0.1 for this run
   * (a test-only relaxation of §8.12), so the harness serves host and agent JWKS documents itself and
   * the JWKS checks run; the loopback-refusal checks are then not applicable (RUL-JWKS-LOOPBACK).
   */
  jwksLoopbackAllowed: z.boolean().optional(),
  /**
   * Known deviations of the target the harness steps around so the rest of the suite can observe the
   * server (see `workarounds.ts`). The checks dedicated to each deviation still test and fail it, and
   * the reports name every active workaround. Absent: the harness follows the spec everywhere.
   */
  workarounds: WorkaroundsSchema.optional(),
  /**
   * Origins besides the issuer's, its `default_location` and capability `location`s that may receive
   * the harness's JWTs (e.g. an API gateway in front of the server): every other origin gets none.
   */
  credentialOrigins: z.array(z.string().url()).optional(),
});
export type TargetProfile = z.infer<typeof TargetProfileSchema>;

/** The capability name filling `role`, if the profile names one. */
export function capabilityForRole(profile: TargetProfile, role: CapabilityRole): string | undefined {
  switch (role) {
    case 'constrainable':
      return profile.constrainable?.name;
    case 'high-risk':
      return profile.highRisk;
    default:
      return profile[profileKeyForRole(role) as Exclude<CapabilityRole, 'constrainable' | 'high-risk'>];
  }
}

/** The profile key that names the capability filling `role`. */
export function profileKeyForRole(role: CapabilityRole): string {
  return role === 'high-risk' ? 'highRisk' : role;
}

/** What a capability must do to play each role, said to whoever writes the profile. */
const ROLE_DUTIES: Record<CapabilityRole, string> = {
  sync: 'runs synchronously with no required input',
  'with-input': 'takes a required string input',
  constrainable: 'has a numeric and a string input field: {"name", "numericField", "stringField"}',
  async: 'answers 202 with a status_url',
  stream: 'answers text/event-stream',
  second: 'any grantable capability other than the sync one',
  'high-risk': 'always needs user approval',
};

/**
 * Why a check needing `role` did not run, naming the profile key that would let it run: the reader
 * of a not-applicable line should learn what to write, not only what is missing. One line.
 */
export function missingRoleReason(role: CapabilityRole): string {
  return `no capability plays the "${role}" role (${ROLE_DUTIES[role]}): name one as "${profileKeyForRole(role)}" in the --profile JSON`;
}

/** Execution arguments the target accepts for `capability` (empty when the profile has none). */
export function argumentsFor(profile: TargetProfile, capability: string): Record<string, unknown> {
  return { ...profile.arguments?.[capability] };
}

/** Arguments that make the `role` capability fail on purpose, if the profile gives any. */
export function failureArgumentsFor(
  profile: TargetProfile,
  role: 'async' | 'stream',
): Record<string, unknown> | undefined {
  const args = profile.failureArguments?.[role];
  return args === undefined ? undefined : { ...args };
}

export class ProfileError extends Error {
  override name = 'ProfileError';
}

export function parseProfile(data: unknown, source: string): TargetProfile {
  const result = TargetProfileSchema.safeParse(data);
  if (!result.success)
    throw new ProfileError(`${source} is not a valid target profile: ${issuesInOneLine(result.error)}`);
  return result.data;
}

export async function loadProfile(path: string): Promise<TargetProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ProfileError(`cannot read profile ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(`profile ${path} is not JSON: ${(error as Error).message}`);
  }
  return parseProfile(data, path);
}

/** What inference knows about one capability: its name and (if described) its input schema. */
export interface CapabilityFacts {
  name: string;
  input?: unknown;
}

interface InputShape {
  required: string[];
  properties: Record<string, { type?: unknown; enum?: unknown }>;
}

function inputShape(input: unknown): InputShape {
  const schema = (typeof input === 'object' && input !== null ? input : {}) as {
    required?: unknown;
    properties?: unknown;
  };
  const required = Array.isArray(schema.required)
    ? schema.required.filter((f): f is string => typeof f === 'string')
    : [];
  const properties =
    typeof schema.properties === 'object' && schema.properties !== null
      ? (schema.properties as InputShape['properties'])
      : {};
  return { required, properties };
}

function typeOf(property: { type?: unknown } | undefined): string | undefined {
  const type = property?.type;
  if (typeof type === 'string') return type;
  return Array.isArray(type) ? type.find((t): t is string => typeof t === 'string' && t !== 'null') : undefined;
}

/** Plausible arguments for an input schema: every required field gets a value of its type. */
export function sampleArguments(input: unknown): Record<string, unknown> {
  const shape = inputShape(input);
  const args: Record<string, unknown> = {};
  for (const field of shape.required) {
    const property = shape.properties[field];
    if (Array.isArray(property?.enum) && property.enum.length > 0) {
      args[field] = property.enum[0];
      continue;
    }
    switch (typeOf(property)) {
      case 'number':
      case 'integer':
        args[field] = 1;
        break;
      case 'boolean':
        args[field] = false;
        break;
      case 'array':
        args[field] = [];
        break;
      case 'object':
        args[field] = {};
        break;
      default:
        args[field] = 'conformance';
    }
  }
  return args;
}

/**
 * Guesses roles from the capabilities' input schemas. Async and stream behaviour and risk are not
 * visible in schemas, so only a profile file can name those.
 */
export function inferProfile(capabilities: readonly CapabilityFacts[]): TargetProfile {
  const profile: TargetProfile = {};
  const shapes = capabilities.map((capability) => ({ name: capability.name, shape: inputShape(capability.input) }));
  const sync = shapes.find(({ shape }) => shape.required.length === 0);
  if (sync) profile.sync = sync.name;
  const withInput = shapes.find(({ shape }) =>
    shape.required.some((field) => typeOf(shape.properties[field]) === 'string'),
  );
  if (withInput) profile['with-input'] = withInput.name;
  for (const { name, shape } of shapes) {
    const fields = Object.keys(shape.properties);
    const numericField = fields.find((f) => ['number', 'integer'].includes(typeOf(shape.properties[f]) ?? ''));
    const stringFields = fields.filter((f) => typeOf(shape.properties[f]) === 'string');
    if (numericField !== undefined && stringFields[0] !== undefined) {
      profile.constrainable = { name, numericField, stringField: stringFields[0] };
      if (stringFields[1] !== undefined) profile.constrainable.exactField = stringFields[1];
      break;
    }
  }
  const second =
    shapes.find(({ name, shape }) => name !== profile.sync && shape.required.length === 0) ??
    shapes.find(({ name }) => name !== profile.sync);
  if (second) profile.second = second.name;
  const args: Record<string, Record<string, unknown>> = {};
  for (const capability of capabilities) args[capability.name] = sampleArguments(capability.input);
  if (capabilities.length > 0) profile.arguments = args;
  return profile;
}

/**
 * The given profile, with the keys and arguments it leaves open filled from a base one: the inferred
 * profile of a target, or the simulator's own profile when an embedded run is given a --profile.
 */
export function mergeProfiles(given: TargetProfile | undefined, base: TargetProfile): TargetProfile {
  const merged: TargetProfile = { ...base, ...given };
  const args = { ...base.arguments, ...given?.arguments };
  if (Object.keys(args).length > 0) merged.arguments = args;
  return merged;
}
