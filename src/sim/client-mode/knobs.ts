import type { Constraints } from '../../protocol/index.ts';
import type { ScriptedSseEvent, SimulatorOptions } from '../options.ts';
import { SIMULATOR_PROFILE } from '../sim-profile.ts';
import type { ApprovalMethod } from '../store.ts';
import { TOLERABLE_STEPS, type ToleratedStep } from '../tolerance.ts';
import type { SimEndpoint } from './endpoints.ts';

/** How the simulated server behaves in one client scenario; everything absent keeps the default. */
export interface ClientScenarioKnobs {
  discovery?: {
    /** The `version` the document announces, e.g. '2.0-draft' for a major version a client must refuse. */
    version?: string;
    /** Endpoints as issuer-relative paths (default, §5.1) or as absolute URLs on the same origin. */
    endpoints?: 'relative' | 'absolute';
    /** Whether `default_location` is in the document (default) or left for the client to derive. */
    defaultLocation?: 'present' | 'absent';
    /** Cache-Control of the discovery answer; null omits the header. Default 'public, max-age=3600'. */
    cacheControl?: string | null;
    /**
     * Members set on the document last, replacing or adding: e.g. approval method names a client does
     * not know, or fields no version of the spec defines (§5.1, §5.1.1).
     */
    fields?: Record<string, unknown>;
    /** An unrecognised member padding the document by about this many bytes: a body past a client's size limit (§8.12). */
    paddingBytes?: number;
  };
  approval?: {
    /** 'auto' (default): approved at once, high-risk capabilities excepted; 'pending': all wait. */
    policy?: 'auto' | 'pending';
    /** Approval method of every approval object; chosen per §7.5 when absent. */
    method?: ApprovalMethod;
    /** Seconds advertised as `interval` (default 1). */
    interval?: number;
    /** Seconds advertised as `expires_in` (default 60); what a lapsed approval looks like: approval-expiry.ts. */
    expiresIn?: number;
    /** Status-poll ordinals (1-based, per agent) answered 400 `slow_down` (scripted-answers.ts). */
    slowDownAt?: number[];
    /** 'foreign': device-authorization verification URIs point at the foreign listener's origin. */
    verificationUri?: 'foreign';
    /**
     * A server-defined method name every approval object carries instead of a core method, with no
     * method-specific fields (§7.4, §10.10.3).
     */
    extensionMethod?: string;
    /**
     * 'unserved': approval objects carry a `notification_url` (§10.10.2) on the simulator's origin
     * at a path it does not serve, so a client connecting there is answered 404.
     */
    notificationUrl?: 'unserved';
  };
  /** `requiresAuth`: unauthenticated capability listings are answered 401 authentication_required (§5.2). */
  listing?: { requiresAuth: true };
  grants?: {
    /** Capability to the constraints granted whatever the agent proposed (wider than requested). */
    widen?: Record<string, Record<string, unknown>>;
  };
  execution?: {
    /** Async executions: polls answered pending, and where the status_url points. */
    async?: { pendingPolls: number; statusUrl: 'same-origin' | 'foreign' | 'http-foreign' };
    /** Every stream answers these events (typed, untyped, multi-line data), then `done` when asked. */
    sse?: { events: ScriptedSseEvent[]; done: boolean; holdOpenMs?: number };
  };
  /** Fixed answers for chosen calls (every call of the endpoint when `nth` is absent). */
  answers?: FixedAnswer[];
  /**
   * Serve one capability (LOCATED_CAPABILITY) at a location of its own, on a listener of its own
   * (§2.12), whose tokens must name that location. The simulator's execute endpoint still executes it
   * too: where the client sent it is for the record to tell, not for the answer.
   */
  locatedCapability?: boolean;
  /**
   * Offer one capability (OPAQUE_CAPABILITY) under a name with upper case, a dash and a dot, which a
   * client must send back byte for byte (§2.14, §8.15): `${cap.opaque}` names it.
   */
  opaqueCapabilityName?: boolean;
  /**
   * The issuer has a path (e.g. '/tenant-a'): it is http://127.0.0.1:<port><issuerPath>, every
   * endpoint sits under it (§5) and nothing outside it is served but the discovery document.
   */
  issuerPath?: string;
  /**
   * Origins serving only the discovery document over a transport a client must refuse: plain http on
   * a non-loopback address (§8.12), https with a self-signed certificate (§8.9). See extra-listeners.ts.
   */
  extraListeners?: ExtraListenerName[];
}

/** The listeners a scenario may add, each serving only the discovery document. */
export type ExtraListenerName = 'plain-http' | 'untrusted-tls';

/** A fixed answer, e.g. 429 with or without Retry-After on the first execute. */
export interface FixedAnswer {
  endpoint: SimEndpoint;
  /** 1-based ordinal among the requests to `endpoint`; every one of them when absent. */
  nth?: number;
  status: number;
  /** `{foreign}` and `{sim}` in values stand for those listeners' origins (a redirect's Location). */
  headers?: Record<string, string>;
  /** JSON-encoded unless a string; a §5.13 error for the status when absent. */
  body?: unknown;
}

/** Which of the simulator's capabilities plays each role client scenarios need. */
export interface CapabilityRoles {
  sync: string;
  withInput: string;
  constrainable: string;
  async: string;
  stream: string;
  highRisk: string;
  located?: string;
  opaque?: string;
}

export const CAPABILITY_ROLES = {
  sync: SIMULATOR_PROFILE.sync,
  withInput: SIMULATOR_PROFILE['with-input'],
  constrainable: SIMULATOR_PROFILE.constrainable.name,
  async: SIMULATOR_PROFILE.async,
  stream: SIMULATOR_PROFILE.stream,
  highRisk: SIMULATOR_PROFILE.highRisk,
} as const satisfies CapabilityRoles;

/** The capability renamed by `opaqueCapabilityName`, and the name it is offered under then. */
export const OPAQUE_CAPABILITY = { demo: 'get_exchange_rate', offered: 'FX.Rate-Lookup' } as const;

/** The capability served at the location listener when `locatedCapability` is on. */
export const LOCATED_CAPABILITY = 'find_branch';

/** Where `notificationUrl: 'unserved'` points approval notifications: a path no route of the simulator serves. */
export const UNSERVED_NOTIFICATION_PATH = '/agent/approval-events';

/** Client scenarios poll for real, so approvals advertise a short interval. */
export const CLIENT_APPROVAL_INTERVAL_SECONDS = 1;
export const CLIENT_APPROVAL_EXPIRES_IN_SECONDS = 60;

export interface ScenarioOrigins {
  /** Origin of the foreign listener. */
  foreign: string;
  /** URL of the located capability's execute endpoint, when the knob is on. */
  location: string | undefined;
}

/** The simulator options that realise `knobs` (client mode runs on the wall clock, no faults). */
export function simulatorOptionsFor(
  knobs: ClientScenarioKnobs,
  origins: ScenarioOrigins,
  tolerance: { tolerate: boolean; onTolerated: (step: ToleratedStep) => void },
): SimulatorOptions {
  const { approval, grants, execution } = knobs;
  for (const answer of knobs.answers ?? []) checkFixedAnswer(answer);
  if (knobs.issuerPath !== undefined && !/^(\/[A-Za-z0-9._~-]+)+$/.test(knobs.issuerPath)) {
    throw new RangeError(`an issuer path is one or more /segments with no trailing slash, not ${knobs.issuerPath}`);
  }
  return {
    approvalPolicy: approval?.policy ?? 'auto',
    ...(approval?.method !== undefined && { approvalMethod: approval.method }),
    approvalIntervalSeconds: approval?.interval ?? CLIENT_APPROVAL_INTERVAL_SECONDS,
    approvalExpiresInSeconds: approval?.expiresIn ?? CLIENT_APPROVAL_EXPIRES_IN_SECONDS,
    ...(approval?.verificationUri === 'foreign' && { verificationUriOrigin: origins.foreign }),
    ...(approval?.extensionMethod !== undefined && { extensionApprovalMethod: approval.extensionMethod }),
    ...(approval?.notificationUrl === 'unserved' && { approvalNotificationPath: UNSERVED_NOTIFICATION_PATH }),
    ...(knobs.listing?.requiresAuth === true && { capabilityListRequiresAuth: true }),
    ...(knobs.opaqueCapabilityName === true && {
      capabilityNames: { [OPAQUE_CAPABILITY.demo]: OPAQUE_CAPABILITY.offered },
    }),
    ...(grants?.widen !== undefined && { grantedConstraints: grants.widen as Record<string, Constraints> }),
    ...(execution?.async !== undefined && {
      asyncPendingPolls: execution.async.pendingPolls,
      asyncStatusOrigin: statusOrigin(execution.async.statusUrl, origins.foreign),
    }),
    ...(execution?.sse !== undefined && { streamScript: execution.sse }),
    ...(origins.location !== undefined && { capabilityLocations: { [LOCATED_CAPABILITY]: origins.location } }),
    tolerate: new Set(tolerance.tolerate ? TOLERABLE_STEPS : []),
    onTolerated: tolerance.onTolerated,
  };
}

/**
 * Where status URLs point. Every listener speaks plain http today, so `http-foreign` names the
 * foreign listener by host name: an origin that differs from both the simulator's and the foreign
 * one, whose scheme is http whatever scheme the others use. Only the URL's shape matters: whatever
 * reaches the foreign listener is recorded and answered 404.
 */
function statusOrigin(where: 'same-origin' | 'foreign' | 'http-foreign', foreign: string): string | undefined {
  if (where === 'same-origin') return undefined;
  if (where === 'foreign') return foreign;
  return `http://localhost:${new URL(foreign).port}`;
}

function checkFixedAnswer(answer: FixedAnswer): void {
  if (!Number.isInteger(answer.status) || answer.status < 200 || answer.status > 599) {
    throw new RangeError(`a fixed answer needs an HTTP status from 200 to 599, not ${answer.status}`);
  }
  if (answer.nth !== undefined && (!Number.isInteger(answer.nth) || answer.nth < 1)) {
    throw new RangeError(`a fixed answer's nth is 1-based, not ${answer.nth}`);
  }
}
