import { describeExchange } from '../../model/index.ts';
import type { HttpResult } from '../http-driver.ts';
import { PreconditionFailed, Skip } from '../outcome.ts';
import { DECISION_POLL_DELAYS_MS, retryUntil } from '../retry.ts';
import { ProtocolCalls, type RegisterOptions, type RegisterResult } from './calls.ts';
import type { AgentIdentity, AgentRef, HostIdentity } from './identities.ts';

export interface FixtureOptions extends RegisterOptions {
  /** Register under this host instead of a fresh one. */
  host?: HostIdentity;
}

/**
 * The harness playing the protocol's client (hosts and agents) against the target. One per check:
 * every request it makes is recorded on that check. Built in layers, one module each: where requests
 * go (target.ts), the identities it plays (identities.ts), the JWTs they sign (tokens.ts), the
 * protocol requests (calls.ts), and here the fixtures checks start from: agents in a known state,
 * reached through the protocol and the operator hook.
 */
export class ProtocolClient extends ProtocolCalls {
  /**
   * The user the operator approves as (and so links fresh hosts to, §2.9); the server's test user
   * when unset. A check that later deletes that user sets one of its own (control `create-user`).
   */
  approvingUser: string | undefined;

  /**
   * An active agent: registers (under a fresh host unless one is given) and, if the registration is
   * pending, approves it through the control hook and polls status until it is active.
   * Skips when approval is needed but the target offers no `approve` hook.
   */
  async activeAgent(opts: FixtureOptions = {}): Promise<AgentIdentity> {
    const { host: givenHost, ...registerOpts } = opts;
    const host = givenHost ?? (await this.newHost());
    const registration = await this.register(host, registerOpts);
    const agent = this.requireRegistered(registration);
    if (registration.json?.status === 'active') return agent;
    if (registration.json?.status !== 'pending') {
      throw new PreconditionFailed(
        `precondition: registration answered status ${JSON.stringify(registration.json?.status)}, expected "active" or "pending"`,
      );
    }
    await this.approve(agent);
    return agent;
  }

  /** A pending agent (a fresh host's registration awaits approval); skips if the server activates it at once. */
  async pendingAgent(opts: FixtureOptions = {}): Promise<AgentIdentity> {
    const { host: givenHost, ...registerOpts } = opts;
    const host = givenHost ?? (await this.newHost());
    const registration = await this.register(host, registerOpts);
    const agent = this.requireRegistered(registration);
    if (registration.json?.status !== 'pending') {
      throw new Skip(
        `could not obtain a pending agent: registration answered status ${JSON.stringify(registration.json?.status)}`,
      );
    }
    return agent;
  }

  /** A host linked to a user, by approving a delegated registration through the control hook (§2.9). */
  async linkedHost(
    opts: Omit<FixtureOptions, 'host' | 'mode'> = {},
  ): Promise<{ host: HostIdentity; agent: AgentIdentity }> {
    const host = await this.newHost();
    const agent = await this.activeAgent({ ...opts, host, mode: 'delegated' });
    return { host, agent };
  }

  /** Approves a pending agent through the control hook and waits until status reports it active. */
  async approve(agent: AgentIdentity, capabilities?: string[]): Promise<void> {
    if (!this.control?.supports('approve')) {
      throw new Skip(
        this.control
          ? 'the control hook does not offer "approve", needed to approve pending registrations (spec/control-contract.md)'
          : 'registration is pending and approving it needs the operator control hook ("approve"): give --control-url (spec/control-contract.md)',
      );
    }
    const userCode: unknown = (agent.approval ?? agent.registration?.approval)?.user_code;
    await this.control.approve({
      agent_id: agent.agentId,
      capabilities,
      user_code: typeof userCode === 'string' ? userCode : undefined,
      user_id: this.approvingUser,
    });
    const last = await this.awaitAgentStatus(agent, 'active');
    if (last.json?.status !== 'active') {
      throw new PreconditionFailed(
        `precondition: agent still not active after operator approval (last status: ${describeExchange(last.exchange)} ${JSON.stringify(last.json?.status)})`,
      );
    }
  }

  /**
   * Polls GET status until the agent's status is one of `wanted` (a few seconds at most, or the
   * given delays); returns the last answer.
   */
  async awaitAgentStatus(
    agent: AgentRef,
    wanted: string | string[],
    delays: readonly number[] = DECISION_POLL_DELAYS_MS,
  ): Promise<HttpResult> {
    const targets = Array.isArray(wanted) ? wanted : [wanted];
    return retryUntil(
      () => this.status(agent),
      (last) => targets.includes(last.json?.status),
      delays,
      (last) => last.error !== undefined,
    );
  }

  private requireRegistered(registration: RegisterResult): AgentIdentity {
    if (!registration.agent) {
      throw new PreconditionFailed(
        `precondition: registration did not create an agent: ${describeExchange(registration.exchange)} ${registration.body.slice(0, 300)}`,
      );
    }
    return registration.agent;
  }
}
