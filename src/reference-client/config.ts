import type { ClientFaultSet } from './faults.ts';

/** How one reference-client process is set up (its command line, parsed). */
export interface ReferenceClientConfig {
  /** Service URLs of the configured providers, in order; the first is the default provider. */
  providers: string[];
  /** Where the host key, agent keys and connections are kept (files 0600); memory only when absent. */
  stateDir?: string;
  /** Accept http:// on loopback origins (127.0.0.1, localhost, [::1]): a test allowance, never for production. */
  allowInsecureLoopback: boolean;
  /** Sent as `host_name` on registration (§3.1, §5.3). */
  hostName: string;
  /** How long a tool waits for a pending approval before answering `pending` (polling goes on). */
  approvalTimeoutSeconds: number;
  faults: ClientFaultSet;
}

/** Every wait, size and count the client bounds, in one place. */
export const LIMITS = {
  /** Per request: connection, headers and (for non-streams) the whole body (§8.12 "Timeouts"). */
  requestTimeoutMs: 10_000,
  /** Largest response body read, streams included (§8.12 "Response size limits"). */
  maxResponseBytes: 1024 * 1024,
  /** §8.12 "Redirect limits". */
  maxRedirects: 3,
  /** Events read from one execution stream before it is abandoned. */
  maxSseEvents: 1000,
  /** How long one execution stream may run. */
  streamTimeoutMs: 120_000,
  /** Lifetime of every JWT the client signs (§4.3, §8.2: at most 60 s). */
  jwtLifetimeSeconds: 60,
  /** Retries of one request answered 429 (§8.13). */
  rateLimitRetries: 3,
  /** A Retry-After longer than this is reported to the agent instead of waited out. */
  maxRetryAfterSeconds: 60,
  /** How long an async execution is polled (§5.11). */
  asyncPollTimeoutMs: 120_000,
  /** First and largest back-off between status_url polls (§5.11: 1 s, 2 s, 4 s, ...). */
  asyncPollFirstDelaySeconds: 1,
  asyncPollMaxDelaySeconds: 30,
  /** Discovery freshness without Cache-Control, and its ceiling (§5.1, §10.5). */
  discoveryDefaultTtlSeconds: 3600,
  discoveryMaxTtlSeconds: 86_400,
  /** Capability answer freshness without Cache-Control, and its ceiling (§10.6). */
  capabilityDefaultTtlSeconds: 300,
  capabilityMaxTtlSeconds: 3600,
  /** Approval poll interval when the server gives none (RFC 8628 §3.2 default). */
  defaultApprovalIntervalSeconds: 5,
  /** Added to the approval interval on slow_down (RFC 8628 §3.5). */
  slowDownSeconds: 5,
  /** Consecutive failed approval polls (network, 5xx) before the flow is given up. */
  approvalPollFailures: 5,
  /** Pages fetched when listing available capabilities for an invalid_capabilities error. */
  maxCapabilityPages: 5,
} as const;
