import { CORE_APPROVAL_METHODS } from '../protocol/index.ts';
import { LIMITS } from './config.ts';
import type { Provider } from './discovery.ts';
import type { ClientFaultSet } from './faults.ts';
import { TransportError, type HttpAnswer } from './http.ts';
import { retryAfterSeconds } from './rate-limit.ts';
import type { Reporter } from './reporter.ts';
import type { ServerApi } from './server-api.ts';
import type { Connection } from './state.ts';
import { sleep } from './timing.ts';
import { ToolError, errorFromAnswer, isRecord } from './tool-error.ts';
import { isLoopbackHost, sameOrigin, type UrlPolicy } from './url-policy.ts';

/** The approval fields the agent and its user need, as the client checked them (§7). */
export interface PresentedApproval {
  method: string;
  verification_uri?: string;
  verification_uri_complete?: string;
  user_code?: string;
  binding_message?: string;
  expires_in: number;
  interval: number;
  /** Set when the server chose a method this client does not implement (§10.10.3). */
  unsupported_method?: true;
}

/** Approval lifetime assumed when the server gives none. */
const DEFAULT_EXPIRES_IN_SECONDS = 600;

/**
 * Checks an approval object and tells the agent what to do (§7.1 step 2: show the URL and the code;
 * §8.12: show the whole URL). A verification URI must be https (§8.12 MUST; loopback http under the
 * test allowance) and on the server's origin or a parent or child domain of the issuer's host (§8.12
 * SHOULD "a known authorization domain"); otherwise the flow is refused rather than sending the
 * user to an unchecked page.
 */
export async function presentApproval(
  approval: unknown,
  provider: Provider,
  policy: UrlPolicy,
  faults: ClientFaultSet,
  reporter: Reporter,
): Promise<PresentedApproval> {
  if (!isRecord(approval) || typeof approval.method !== 'string') {
    throw new ToolError('invalid_approval', `${provider.name} asked for approval without a usable approval object`);
  }
  const interval = positiveNumber(approval.interval) ?? LIMITS.defaultApprovalIntervalSeconds;
  const presented: PresentedApproval = {
    method: approval.method,
    expires_in: positiveNumber(approval.expires_in) ?? DEFAULT_EXPIRES_IN_SECONDS,
    interval,
  };
  if (typeof approval.binding_message === 'string') presented.binding_message = approval.binding_message;
  const hide = faults.has('hides-user-code');
  if (approval.method === 'device_authorization') {
    const uri = checkVerificationUri(approval.verification_uri, 'verification_uri', provider, policy, faults);
    if (typeof approval.user_code !== 'string')
      throw new ToolError('invalid_approval', `${provider.name} gave a device authorization without a user_code`);
    if (!hide) {
      presented.verification_uri = uri;
      presented.user_code = approval.user_code;
      if (approval.verification_uri_complete !== undefined) {
        presented.verification_uri_complete = checkVerificationUri(
          approval.verification_uri_complete,
          'verification_uri_complete',
          provider,
          policy,
          faults,
        );
      }
    }
    const complete =
      presented.verification_uri_complete === undefined
        ? ''
        : ` (or open ${presented.verification_uri_complete} directly)`;
    await reporter.notify(
      hide
        ? `Approval needed from the user at ${provider.name}; waiting for it (expires in ${presented.expires_in} s).`
        : `Approval needed: open ${uri} and enter the code ${approval.user_code}${complete}. It expires in ${presented.expires_in} s.`,
      { approval: presented },
    );
  } else if (approval.method === 'ciba') {
    const binding =
      presented.binding_message === undefined ? '' : ` Confirm the message "${presented.binding_message}".`;
    await reporter.notify(
      `${provider.name} sent an approval request to the user's own device (CIBA).${binding} Waiting for the decision.`,
      {
        approval: presented,
      },
    );
  } else {
    presented.unsupported_method = true;
    await reporter.notify(
      `${provider.name} selected the approval method "${approval.method}", which this client does not support (it knows ${CORE_APPROVAL_METHODS.join(', ')}); ` +
        'it does not guess how that method works and only polls the agent status in case the approval completes another way.',
      { approval: presented },
    );
  }
  return presented;
}

function checkVerificationUri(
  value: unknown,
  what: string,
  provider: Provider,
  policy: UrlPolicy,
  faults: ClientFaultSet,
): string {
  const unchecked = faults.has('accepts-any-verification-uri');
  const url = policy.require(value, what, { allowAnyHttp: unchecked });
  if (!unchecked && !sameOrigin(url, provider.issuer) && !relatedDomain(url, new URL(provider.issuer))) {
    throw new ToolError(
      'refused_url',
      `${what} ${url.href} is neither on ${provider.name}'s origin nor on a domain of its issuer; not shown to the user`,
      {
        url: url.href,
      },
    );
  }
  return url.href;
}

/** An https URL on the issuer's host, a parent domain or a subdomain of it (not loopback on another port). */
function relatedDomain(url: URL, issuer: URL): boolean {
  if (url.protocol !== 'https:' || isLoopbackHost(url.hostname) || url.hostname === issuer.hostname) return false;
  const a = url.hostname.toLowerCase();
  const b = issuer.hostname.toLowerCase();
  return (a.endsWith(`.${b}`) || b.endsWith(`.${a}`)) && a.includes('.') && b.includes('.');
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** How a status view reads for the flow being followed. */
export type Verdict = 'pending' | 'done' | 'rejected' | { failed: string };

export type ApprovalOutcome =
  | { kind: 'settled'; view: Record<string, unknown> }
  | { kind: 'rejected'; view: Record<string, unknown> }
  | { kind: 'expired' }
  | { kind: 'failed'; error: ToolError };

export interface PollOptions {
  api: ServerApi;
  provider: Provider;
  connection: Connection;
  approval: PresentedApproval;
  /** Epoch ms at which the approval object arrived. */
  receivedAt: number;
  /** Epoch ms at which the client's own wait ends (`--approval-timeout`). */
  waitUntil: number;
  judge: (view: Record<string, unknown>) => Verdict;
  faults: ClientFaultSet;
  reporter: Reporter;
  signal: AbortSignal;
}

/**
 * Polls GET /agent/status with a host JWT until the flow ends (§5.3, §7.1 step 4, §7.2): never
 * sooner than `interval` after the previous poll, 5 s slower after each slow_down (RFC 8628 §3.5),
 * later still when a 429 names a longer Retry-After (§8.13). Stops at approval, at denial (never
 * re-registering by itself, §7.1), at a terminal answer, and once `expires_in` has run out — no poll
 * is sent after that.
 */
export async function pollApproval(o: PollOptions): Promise<ApprovalOutcome> {
  const f = o.faults;
  let interval = o.approval.interval;
  const expiresAt = o.receivedAt + o.approval.expires_in * 1000;
  const deadline = f.has('polls-past-expiry') ? o.waitUntil : expiresAt;
  let delayMs = interval * 1000;
  let failures = 0;
  let rejectedView: Record<string, unknown> | undefined;
  for (let poll = 1; ; poll++) {
    if (f.has('polls-faster-than-interval')) delayMs = 200;
    if (Date.now() + delayMs > deadline) {
      return rejectedView !== undefined ? { kind: 'rejected', view: rejectedView } : { kind: 'expired' };
    }
    await sleep(delayMs, o.signal);
    delayMs = interval * 1000;
    let answer: HttpAnswer;
    try {
      answer = await o.api.status(o.provider, o.connection, { signal: o.signal, retry: false });
    } catch (error) {
      if (!(error instanceof TransportError) || ++failures >= LIMITS.approvalPollFailures) {
        return {
          kind: 'failed',
          error: error instanceof ToolError ? error : new ToolError('client_error', String(error)),
        };
      }
      continue;
    }
    if (answer.status === 200 && isRecord(answer.json)) {
      failures = 0;
      const verdict = o.judge(answer.json);
      if (verdict === 'done') return { kind: 'settled', view: answer.json };
      if (verdict === 'rejected') {
        if (!f.has('keeps-polling-after-denial')) return { kind: 'rejected', view: answer.json };
        rejectedView = answer.json;
      } else if (typeof verdict === 'object') {
        return {
          kind: 'failed',
          error: new ToolError(verdict.failed, `the agent is ${String(answer.json.status)} at ${o.provider.name}`, {
            view: answer.json,
          }),
        };
      }
      // A note per poll keeps progress flowing, so callers that reset their timeout on progress wait on.
      await o.reporter.notify(`Still waiting for approval at ${o.provider.name} (poll ${poll}).`);
      continue;
    }
    const code = isRecord(answer.json) && typeof answer.json.error === 'string' ? answer.json.error : undefined;
    if (code === 'slow_down') {
      if (!f.has('ignores-slow-down')) interval += LIMITS.slowDownSeconds;
      delayMs = interval * 1000;
      continue;
    }
    if (code === 'authorization_pending' || code === 'host_pending') continue; // still waiting (RUL-PENDING-HOST-STATUS)
    if (code === 'access_denied')
      return { kind: 'rejected', view: { agent_id: o.connection.agentId, status: 'rejected' } };
    if (code === 'expired_token') return { kind: 'expired' };
    if (answer.status === 429) {
      const asked = retryAfterSeconds(answer.headers.get('retry-after'));
      const retryMs = f.has('ignores-retry-after') && asked !== undefined ? 500 : (asked ?? interval * 2) * 1000;
      delayMs = Math.max(interval * 1000, retryMs);
      continue;
    }
    if (answer.status >= 500 && ++failures < LIMITS.approvalPollFailures) continue;
    return { kind: 'failed', error: errorFromAnswer(answer, 'approval status poll') };
  }
}

/** Registration and reactivation flows end when the agent leaves `pending` (§5.3, §5.6, §7.1). */
export function agentVerdict(view: Record<string, unknown>): Verdict {
  switch (view.status) {
    case 'pending':
      return 'pending';
    case 'active':
      return 'done';
    case 'rejected':
      return 'rejected';
    default:
      return { failed: `agent_${String(view.status)}` };
  }
}

/** A capability request ends when none of the requested grants is pending any more (§5.4, §6.6 step 3). */
export function grantsVerdict(requested: readonly string[]): (view: Record<string, unknown>) => Verdict {
  return (view) => {
    if (view.status !== 'active')
      return view.status === 'pending' ? 'pending' : { failed: `agent_${String(view.status)}` };
    const grants = Array.isArray(view.agent_capability_grants) ? view.agent_capability_grants.filter(isRecord) : [];
    const waiting = grants.some((grant) => requested.includes(String(grant.capability)) && grant.status === 'pending');
    return waiting ? 'pending' : 'done';
  };
}
