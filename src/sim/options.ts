import type { AgentMode, Constraints } from '../protocol/index.ts';
import type { SimClock } from './clock.ts';
import type { FaultName } from './faults.ts';
import type { ApprovalMethod } from './store.ts';
import type { ToleratedStep } from './tolerance.ts';

export interface RateLimitOptions {
  /** Requests allowed per client identity within one window. */
  limit: number;
  windowSeconds: number;
  /**
   * Who a window belongs to: `identity` (default) the token's agent or host, else the client address
   * (§8.13); `address` the client address alone, as deployments limiting per address do (better-auth).
   */
  scope?: 'identity' | 'address';
}

/**
 * Who approves registrations and capability requests (§7, §8.10):
 * - `operator` (default): a new host starts pending; once active (and, for delegated agents, linked)
 *   only its default capabilities are approved without the operator.
 * - `auto`: a new host starts active (linked to the simulated user when its first agent is delegated)
 *   and every request is approved at once, except high-risk capabilities, which always wait.
 * - `pending`: nothing is approved without the operator.
 */
export type ApprovalPolicy = 'operator' | 'auto' | 'pending';

/** One event of a scripted stream: without `event` it is untyped; `data` may span several lines (§5.11). */
export interface ScriptedSseEvent {
  event?: string;
  data: string;
}

/** A fixed SSE answer: these events, then a `done` event unless `done` is false. */
export interface StreamScript {
  events: readonly ScriptedSseEvent[];
  done: boolean;
  /** Keep the connection open this long after `done`, so whether the client closes it shows (§5.11). */
  holdOpenMs?: number;
}

export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  faults?: readonly FaultName[];
  /** Session TTL, measured from the agent's last request (§2.4). Default 1800 s. */
  sessionTtlSeconds?: number;
  /** Max lifetime, measured from the last activation (§2.4). Default 86400 s. */
  maxLifetimeSeconds?: number;
  /** Absolute lifetime, measured from creation (§2.4). Default 604800 s. */
  absoluteLifetimeSeconds?: number;
  /** Registration modes offered (§2.2). Default both. */
  modes?: readonly AgentMode[];
  /** Answer unauthenticated capability listings with 401 authentication_required (§5.2, §5.14). */
  capabilityListRequiresAuth?: boolean;
  /** Per-identity rate limit (§8.13); off when absent. */
  rateLimit?: RateLimitOptions;
  /** Allow JWKS fetches from loopback addresses over http; for tests only, never in production (§8.12). */
  allowLoopbackJwks?: boolean;
  /**
   * At most this many active or pending agents per user; a registration past it is answered 400
   * `agent_limit_reached`, as deployed servers do (Better Auth defaults to 25). Off when absent.
   */
  maxActiveAgentsPerUser?: number;
  /** Clock to run on; a fresh wall-time clock when absent. */
  clock?: SimClock;

  // Served variants used to certify clients; the defaults are the behaviour the server suite expects.

  approvalPolicy?: ApprovalPolicy;
  /** Approval method of every approval object, whatever the request hints; chosen per §7.5 when absent. */
  approvalMethod?: ApprovalMethod;
  /** Poll interval advertised in approval objects (§7). Default 5 s. */
  approvalIntervalSeconds?: number;
  /** Approval lifetime advertised in approval objects (§7). Default 300 s. */
  approvalExpiresInSeconds?: number;
  /** Effective constraints of grants of these capabilities, whatever the agent proposed (§2.13). */
  grantedConstraints?: Readonly<Record<string, Constraints>>;
  /** Polls an async execution answers pending before its outcome (§5.11). Default 1. */
  asyncPendingPolls?: number;
  /** Origin put into async status URLs instead of the simulator's own (§8.12). */
  asyncStatusOrigin?: string;
  /** Answer every streaming execution with this script instead of the capability's chunks. */
  streamScript?: StreamScript;
  /** Capabilities executed at a location of their own: name to absolute URL (§2.12). */
  capabilityLocations?: Readonly<Record<string, string>>;
  /** Verification steps let through (see tolerance.ts); none by default. */
  tolerate?: ReadonlySet<ToleratedStep>;
  /** Called inside the request being verified each time a step is let through. */
  onTolerated?: (step: ToleratedStep) => void;
  /** Capabilities served under another name: demo name to the name the simulator offers instead. */
  capabilityNames?: Readonly<Record<string, string>>;
  /** Origin of device-authorization `verification_uri`s instead of the simulator's own (§7.1, §8.12). */
  verificationUriOrigin?: string;
  /** A server-defined approval method every approval object names instead of a core one (§10.10.3). */
  extensionApprovalMethod?: string;
  /** Path on the simulator's origin given as every approval object's `notification_url` (§10.10.2). */
  approvalNotificationPath?: string;
  /** Every answer waits this long first, as a server 20-150 ms away would (`simulate --latency`). Default 0. */
  latencyMs?: number;
}

export interface ResolvedOptions {
  port: number;
  capabilityNames: Readonly<Record<string, string>>;
  verificationUriOrigin: string | undefined;
  extensionApprovalMethod: string | undefined;
  approvalNotificationPath: string | undefined;
  latencyMs: number;
  faults: readonly FaultName[];
  sessionTtlSeconds: number;
  maxLifetimeSeconds: number;
  absoluteLifetimeSeconds: number;
  modes: readonly AgentMode[];
  capabilityListRequiresAuth: boolean;
  rateLimit: RateLimitOptions | undefined;
  maxActiveAgentsPerUser: number | undefined;
  allowLoopbackJwks: boolean;
  approvalPolicy: ApprovalPolicy;
  approvalMethod: ApprovalMethod | undefined;
  approvalIntervalSeconds: number;
  approvalExpiresInSeconds: number;
  grantedConstraints: Readonly<Record<string, Constraints>>;
  asyncPendingPolls: number;
  asyncStatusOrigin: string | undefined;
  streamScript: StreamScript | undefined;
  capabilityLocations: Readonly<Record<string, string>>;
  tolerate: ReadonlySet<ToleratedStep>;
  onTolerated: ((step: ToleratedStep) => void) | undefined;
}

/** Clock-skew tolerance on exp and iat (§8.2). */
export const CLOCK_SKEW_SECONDS = 30;
/** Largest request body accepted. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Largest page of the capability listing (§5.2). */
export const MAX_PAGE_SIZE = 100;
/** Default lifetime and poll interval advertised in approval objects (§7). */
export const APPROVAL_EXPIRES_IN_SECONDS = 300;
export const APPROVAL_INTERVAL_SECONDS = 5;

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const positive = (value: number | undefined, fallback: number, name: string): number => {
    const resolved = value ?? fallback;
    if (!Number.isFinite(resolved) || resolved <= 0) throw new RangeError(`${name} must be a positive number`);
    return resolved;
  };
  const modes = options.modes ?? ['delegated', 'autonomous'];
  if (modes.length === 0) throw new RangeError('at least one mode must be offered');
  if (options.rateLimit !== undefined) {
    positive(options.rateLimit.limit, 1, 'rateLimit.limit');
    positive(options.rateLimit.windowSeconds, 1, 'rateLimit.windowSeconds');
  }
  const interval = options.approvalIntervalSeconds ?? APPROVAL_INTERVAL_SECONDS;
  if (!Number.isFinite(interval) || interval < 0) throw new RangeError('approvalIntervalSeconds must not be negative');
  const pendingPolls = options.asyncPendingPolls ?? 1;
  if (!Number.isInteger(pendingPolls) || pendingPolls < 0)
    throw new RangeError('asyncPendingPolls must be a whole number');
  return {
    port: options.port ?? 0,
    faults: options.faults ?? [],
    sessionTtlSeconds: positive(options.sessionTtlSeconds, 1800, 'sessionTtlSeconds'),
    maxLifetimeSeconds: positive(options.maxLifetimeSeconds, 86_400, 'maxLifetimeSeconds'),
    absoluteLifetimeSeconds: positive(options.absoluteLifetimeSeconds, 604_800, 'absoluteLifetimeSeconds'),
    modes: [...new Set(modes)],
    capabilityListRequiresAuth: options.capabilityListRequiresAuth ?? false,
    rateLimit: options.rateLimit,
    maxActiveAgentsPerUser:
      options.maxActiveAgentsPerUser === undefined
        ? undefined
        : positive(options.maxActiveAgentsPerUser, 1, 'maxActiveAgentsPerUser'),
    allowLoopbackJwks: options.allowLoopbackJwks ?? false,
    approvalPolicy: options.approvalPolicy ?? 'operator',
    approvalMethod: options.approvalMethod,
    approvalIntervalSeconds: interval,
    approvalExpiresInSeconds: positive(
      options.approvalExpiresInSeconds,
      APPROVAL_EXPIRES_IN_SECONDS,
      'approvalExpiresInSeconds',
    ),
    grantedConstraints: options.grantedConstraints ?? {},
    asyncPendingPolls: pendingPolls,
    asyncStatusOrigin: options.asyncStatusOrigin,
    streamScript: options.streamScript,
    capabilityLocations: options.capabilityLocations ?? {},
    tolerate: options.tolerate ?? new Set(),
    onTolerated: options.onTolerated,
    latencyMs: options.latencyMs ?? 0,
    verificationUriOrigin: options.verificationUriOrigin,
    extensionApprovalMethod: options.extensionApprovalMethod,
    approvalNotificationPath: options.approvalNotificationPath,
    capabilityNames: options.capabilityNames ?? {},
  };
}
