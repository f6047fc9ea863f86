import type { Capability } from '@better-auth/agent-auth';
import { z } from 'zod';
import { clearDatabase, LIFETIMES, type MemoryDatabase, type TargetAuth } from './auth.ts';
import { capabilityCatalogue } from './capabilities.ts';
import type { JobBook } from './jobs.ts';
import type { UserCodeBook } from './user-codes.ts';
import { type PluginAnswer, postJson } from './user-session.ts';
import { CannotActAsUserError, DEFAULT_APPROVER_ID, UnknownUserError, type UserDirectory } from './users.ts';

/**
 * Operator control adapter (contract `agent-auth-control/1`) for the better-auth reference target.
 * Approvals, denials, host linking, host defaults, host revocation and user deletion go through the
 * endpoints better-auth and the plugin offer to users, called over HTTP with a fresh user session as
 * a browser would. Only the lifetime clocks are moved by editing stored timestamps, and capability
 * removal edits the capability array the plugin was configured with.
 */

export const CONTROL_PATH = '/__control';
export const CONTROL_CONTRACT = 'agent-auth-control/1';

const names = z.array(z.string().min(1));
const id = z.string().min(1);

const OPERATIONS = {
  approve: z.strictObject({
    agent_id: id.optional(),
    capabilities: names.optional(),
    user_code: id.optional(),
    user_id: id.optional(),
  }),
  deny: z.strictObject({ agent_id: id, capabilities: names.optional(), reason: z.string().optional() }),
  'link-host': z.strictObject({ host_id: id, user_id: id.optional() }),
  'set-host-defaults': z.strictObject({ host_id: id, capabilities: names }),
  'expire-agent': z.strictObject({ agent_id: id, clock: z.enum(['session', 'max', 'absolute']) }),
  'revoke-host': z.strictObject({ host_id: id }),
  'create-user': z.strictObject({}),
  'delete-user': z.strictObject({ user_id: id }),
  'remove-capability': z.strictObject({ name: id }),
  'restore-capability': z.strictObject({ name: id }),
  reset: z.strictObject({}),
} as const;

/** Contract operations this target cannot perform, and why. */
const UNSUPPORTED: Record<string, string> = {
  'advance-clock':
    'the plugin reads the process clock (Date.now) directly and has no clock hook; expire-agent moves the stored timestamps instead',
  'restore-clock': 'the clock is never moved (no advance-clock), so there is nothing to restore',
  'unlink-host':
    'the plugin cannot unlink a host from its user (its /host/switch-account re-links the host to another user instead); revoke the host (§2.9)',
};

type Operation = keyof typeof OPERATIONS;
type Body<O extends Operation> = z.infer<(typeof OPERATIONS)[O]>;

interface AgentRow {
  id: string;
  hostId: string;
  userId: string | null;
  status: string;
}
interface HostRow {
  id: string;
  userId: string | null;
  publicKey: string | null;
  status: string;
}
interface GrantRow {
  capability: string;
  status: string;
}

export interface ControlAdapterOptions {
  origin: string;
  issuer: string;
  auth: TargetAuth;
  db: MemoryDatabase;
  /** The array the plugin was configured with (edited in place). */
  capabilities: Capability[];
  users: UserDirectory;
  userCodes: UserCodeBook;
  jobs: JobBook;
}

class ControlFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Further members of the error answer (e.g. the plugin's `invalid_capabilities`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A plugin answer that is not 2xx, passed on with its own status, error code and extra members. */
function pluginFailure(step: string, answer: PluginAnswer): ControlFailure {
  const body = typeof answer.body === 'object' && answer.body !== null ? (answer.body as Record<string, unknown>) : {};
  const { error, code, message, ...extra } = body;
  const errorCode = typeof error === 'string' ? error : typeof code === 'string' ? code.toLowerCase() : 'target_error';
  const text = typeof message === 'string' ? message : JSON.stringify(answer.body);
  return new ControlFailure(answer.status, errorCode, `${step}: the plugin answered ${answer.status}: ${text}`, extra);
}

function ensureOk(step: string, answer: PluginAnswer): PluginAnswer {
  if (answer.status < 200 || answer.status >= 300) throw pluginFailure(step, answer);
  return answer;
}

export class ControlAdapter {
  constructor(private readonly o: ControlAdapterOptions) {}

  handles(pathname: string): boolean {
    return pathname === CONTROL_PATH || pathname.startsWith(`${CONTROL_PATH}/`);
  }

  async handle(request: Request): Promise<Response> {
    try {
      return json(200, await this.dispatch(request));
    } catch (error) {
      if (error instanceof ControlFailure)
        return json(error.status, { error: error.code, message: error.message, ...error.extra });
      if (error instanceof UnknownUserError) return json(404, { error: 'user_not_found', message: error.message });
      if (error instanceof CannotActAsUserError) return json(501, { error: 'not_supported', message: error.message });
      return json(500, { error: 'internal_error', message: (error as Error).message });
    }
  }

  private async dispatch(request: Request): Promise<object> {
    const pathname = new URL(request.url).pathname.replace(/\/+$/, '');
    if (pathname === CONTROL_PATH) {
      if (request.method !== 'GET') throw new ControlFailure(405, 'invalid_request', `use GET ${CONTROL_PATH}`);
      return {
        contract: CONTROL_CONTRACT,
        supports: Object.keys(OPERATIONS),
        now: Math.floor(Date.now() / 1000),
        unsupported: UNSUPPORTED,
      };
    }
    const op = pathname.slice(CONTROL_PATH.length + 1);
    if (request.method !== 'POST') throw new ControlFailure(405, 'invalid_request', `use POST ${CONTROL_PATH}/${op}`);
    if (!Object.hasOwn(OPERATIONS, op)) {
      throw new ControlFailure(
        501,
        'not_supported',
        `${op}: ${UNSUPPORTED[op] ?? 'not a control operation of this target'}`,
      );
    }
    const operation = op as Operation;
    const text = await request.text();
    let raw: unknown = {};
    if (text.trim() !== '') {
      try {
        raw = JSON.parse(text);
      } catch {
        throw new ControlFailure(400, 'invalid_request', `${op}: the body is not JSON`);
      }
    }
    const parsed = OPERATIONS[operation].safeParse(raw);
    if (!parsed.success) throw new ControlFailure(400, 'invalid_request', `${op}: ${z.prettifyError(parsed.error)}`);
    return { ok: true, ...(await this.run(operation, parsed.data)) };
  }

  private run(op: Operation, body: unknown): Promise<object> {
    switch (op) {
      case 'approve':
        return this.approve(body as Body<'approve'>);
      case 'deny':
        return this.deny(body as Body<'deny'>);
      case 'link-host':
        return this.linkHost(body as Body<'link-host'>);
      case 'set-host-defaults':
        return this.setHostDefaults(body as Body<'set-host-defaults'>);
      case 'expire-agent':
        return this.expireAgent(body as Body<'expire-agent'>);
      case 'revoke-host':
        return this.revokeHost(body as Body<'revoke-host'>);
      case 'create-user':
        return this.o.users.create().then((userId) => ({ user_id: userId }));
      case 'delete-user':
        return this.deleteUser(body as Body<'delete-user'>);
      case 'remove-capability':
        return this.removeCapability(body as Body<'remove-capability'>);
      case 'restore-capability':
        return this.restoreCapability(body as Body<'restore-capability'>);
      case 'reset':
        return this.reset();
    }
  }

  /**
   * Approves through the plugin's POST /agent/approve-capability. The plugin insists on the
   * device-authorization user code; without one in the request the adapter uses the code the plugin
   * last showed the agent's client (see UserCodeBook).
   */
  private async approve(body: Body<'approve'>): Promise<object> {
    const agent = await this.agentToApprove(body.agent_id, body.user_code);
    await this.requirePending(agent);
    const session = await this.o.users.session(body.user_id ?? (await this.ownerOf(agent)), true);
    const userCode = body.user_code ?? this.o.userCodes.get(agent.id);
    const answer = ensureOk(
      'approve',
      await session.post('/agent/approve-capability', {
        agent_id: agent.id,
        action: 'approve',
        ...(body.capabilities !== undefined && { capabilities: body.capabilities }),
        ...(userCode !== undefined && { user_code: userCode }),
      }),
    );
    return { ...(await this.agentResult(agent.id)), target: answer.body };
  }

  /**
   * Denies through the plugin's approval endpoint, whose `deny` refuses every pending grant at once
   * (and rejects a pending agent). Denying named grants that are all the agent has pending is, by the
   * contract, a partial approval of a pending agent, which the plugin expresses as `approve` with an
   * empty capability list. Denying only some of the pending grants has no plugin equivalent (501).
   */
  private async deny(body: Body<'deny'>): Promise<object> {
    const agent = await this.agent(body.agent_id);
    const pending = await this.requirePending(agent);
    const named = body.capabilities;
    if (named !== undefined && pending.some((name) => !named.includes(name))) {
      throw new ControlFailure(
        501,
        'not_supported',
        'deny: the plugin cannot deny some pending grants and keep others pending; approve the others instead (approve with capabilities)',
      );
    }
    const partialApproval = named !== undefined && agent.status === 'pending';
    const session = await this.o.users.session(await this.ownerOf(agent), true);
    const userCode = this.o.userCodes.get(agent.id);
    const request = partialApproval
      ? {
          agent_id: agent.id,
          action: 'approve',
          capabilities: [],
          ...(userCode !== undefined && { user_code: userCode }),
        }
      : { agent_id: agent.id, action: 'deny', ...(body.reason !== undefined && { reason: body.reason }) };
    const answer = ensureOk('deny', await session.post('/agent/approve-capability', request));
    return { ...(await this.agentResult(agent.id)), target: answer.body };
  }

  /**
   * Links through the plugin's device enrollment: the user creates an enrollment token
   * (POST /host/create without a key), then the device enrolls with its stored public key
   * (POST /host/enroll). The plugin merges that into the known host, links it to the user, activates
   * it and claims its active autonomous agents; the token's placeholder host stays behind, `rejected`.
   */
  private async linkHost(body: Body<'link-host'>): Promise<object> {
    const host = await this.host(body.host_id);
    const userId = body.user_id ?? DEFAULT_APPROVER_ID;
    if (host.status === 'revoked' || host.status === 'rejected' || !host.publicKey) {
      throw new ControlFailure(409, `host_${host.status}`, `link-host: host ${host.id} is ${host.status}`);
    }
    if (host.userId !== null && host.userId !== userId) {
      throw new ControlFailure(409, 'host_already_linked', `link-host: host ${host.id} is linked to another user`);
    }
    const session = await this.o.users.session(userId, true);
    const created = ensureOk('link-host (enrollment token)', await session.post('/host/create', {}));
    const token = (created.body as { enrollmentToken?: unknown } | null)?.enrollmentToken;
    if (typeof token !== 'string') throw pluginFailure('link-host (enrollment token)', created);
    const enrolled = ensureOk(
      'link-host (enroll)',
      await postJson(`${this.o.issuer}/host/enroll`, this.o.origin, {
        token,
        public_key: JSON.parse(host.publicKey) as object,
      }),
    );
    return { ...(await this.hostResult(host.id)), target: enrolled.body };
  }

  /** POST /host/update {default_capabilities} as the host's user. */
  private async setHostDefaults(body: Body<'set-host-defaults'>): Promise<object> {
    const host = await this.host(body.host_id);
    const session = await this.o.users.session(host.userId ?? DEFAULT_APPROVER_ID, true);
    const answer = ensureOk(
      'set-host-defaults',
      await session.post('/host/update', { host_id: host.id, default_capabilities: body.capabilities }),
    );
    return { ...(await this.hostResult(host.id)), default_capabilities: body.capabilities, target: answer.body };
  }

  /**
   * Makes one lifetime clock elapse by moving its stored anchor into the past: `expiresAt` for the
   * session TTL, `activatedAt` for the max lifetime, `createdAt` for the absolute lifetime. The
   * status column is left alone: what the plugin makes of the elapsed clock is what gets tested.
   */
  private async expireAgent(body: Body<'expire-agent'>): Promise<object> {
    const agent = await this.agent(body.agent_id);
    const past = (seconds: number) => new Date(Date.now() - (seconds + 1) * 1000);
    const update =
      body.clock === 'session'
        ? { expiresAt: past(0) }
        : body.clock === 'max'
          ? { activatedAt: past(LIFETIMES.max) }
          : { createdAt: past(LIFETIMES.absolute) };
    const { adapter } = await this.o.auth.$context;
    await adapter.update({ model: 'agent', where: [{ field: 'id', value: agent.id }], update });
    return { ...(await this.agentResult(agent.id)), clock: body.clock };
  }

  /** POST /host/revoke as the owning user (§8.8.1); for an unlinked host the default approver. */
  private async revokeHost(body: Body<'revoke-host'>): Promise<object> {
    const host = await this.host(body.host_id);
    const session = await this.o.users.session(host.userId ?? DEFAULT_APPROVER_ID, true);
    const answer = ensureOk('revoke-host', await session.post('/host/revoke', { host_id: host.id }));
    const revoked = (answer.body as { agents_revoked?: unknown } | null)?.agents_revoked;
    return { ...(await this.hostResult(host.id)), agents_revoked: revoked, target: answer.body };
  }

  /**
   * better-auth's own POST /delete-user, signed in as that user. The counts report what happened to
   * the user's hosts and their agents afterwards (better-auth and the plugin decide that).
   */
  private async deleteUser(body: Body<'delete-user'>): Promise<object> {
    const session = await this.o.users.session(body.user_id, false);
    const { adapter } = await this.o.auth.$context;
    const hosts = await adapter.findMany<HostRow>({
      model: 'agentHost',
      where: [{ field: 'userId', value: body.user_id }],
    });
    const answer = ensureOk('delete-user', await session.post('/delete-user', {}));
    this.o.users.forget(body.user_id);
    let hostsRevoked = 0;
    let agentsRevoked = 0;
    for (const { id: hostId } of hosts) {
      const host = await adapter.findOne<HostRow>({ model: 'agentHost', where: [{ field: 'id', value: hostId }] });
      if (host === null || host.status === 'revoked') hostsRevoked += 1;
      const agents = await adapter.findMany<AgentRow>({ model: 'agent', where: [{ field: 'hostId', value: hostId }] });
      agentsRevoked += agents.filter((a) => a.status === 'revoked').length;
    }
    return { user_id: body.user_id, hosts_revoked: hostsRevoked, agents_revoked: agentsRevoked, target: answer.body };
  }

  /** Drops the capability from the array the plugin reads its capability set from. */
  private async removeCapability(body: Body<'remove-capability'>): Promise<object> {
    const index = this.o.capabilities.findIndex((c) => c.name === body.name);
    if (index < 0)
      throw new ControlFailure(404, 'capability_not_found', `remove-capability: no capability "${body.name}"`);
    this.o.capabilities.splice(index, 1);
    return { name: body.name, removed: true };
  }

  /** Puts a removed capability back where the catalogue has it. */
  private async restoreCapability(body: Body<'restore-capability'>): Promise<object> {
    const original = capabilityCatalogue();
    const capability = original.find((c) => c.name === body.name);
    if (capability === undefined || this.o.capabilities.some((c) => c.name === body.name))
      throw new ControlFailure(404, 'capability_not_found', `restore-capability: no removed capability "${body.name}"`);
    const offered = new Set([...this.o.capabilities.map((c) => c.name), body.name]);
    this.o.capabilities.splice(0, this.o.capabilities.length, ...original.filter((c) => offered.has(c.name)));
    return { name: body.name, restored: true };
  }

  private async reset(): Promise<object> {
    clearDatabase(this.o.db);
    this.o.capabilities.splice(0, this.o.capabilities.length, ...capabilityCatalogue());
    this.o.users.clear();
    this.o.userCodes.clear();
    this.o.jobs.clear();
    return {};
  }

  private async agentToApprove(agentId: string | undefined, userCode: string | undefined): Promise<AgentRow> {
    if (agentId !== undefined) return this.agent(agentId);
    if (userCode === undefined)
      throw new ControlFailure(400, 'invalid_request', 'approve: needs agent_id or user_code');
    const byCode = this.o.userCodes.agentFor(userCode);
    if (byCode === undefined)
      throw new ControlFailure(404, 'agent_not_found', `approve: no agent was shown the user code "${userCode}"`);
    return this.agent(byCode);
  }

  /** Names of the agent's pending grants; 409 when neither the agent nor any grant awaits approval. */
  private async requirePending(agent: AgentRow): Promise<string[]> {
    const { adapter } = await this.o.auth.$context;
    const grants = await adapter.findMany<GrantRow>({
      model: 'agentCapabilityGrant',
      where: [{ field: 'agentId', value: agent.id }],
    });
    const pending = grants.filter((g) => g.status === 'pending').map((g) => g.capability);
    if (agent.status !== 'pending' && pending.length === 0) {
      throw new ControlFailure(
        409,
        'nothing_pending',
        `agent ${agent.id} (${agent.status}) has nothing awaiting approval`,
      );
    }
    return pending;
  }

  /** The user the plugin lets decide for this agent: its own, else its host's, else the default approver. */
  private async ownerOf(agent: AgentRow): Promise<string> {
    if (agent.userId) return agent.userId;
    const { adapter } = await this.o.auth.$context;
    const host = await adapter.findOne<HostRow>({ model: 'agentHost', where: [{ field: 'id', value: agent.hostId }] });
    return host?.userId ?? DEFAULT_APPROVER_ID;
  }

  private async agent(agentId: string): Promise<AgentRow> {
    const { adapter } = await this.o.auth.$context;
    const agent = await adapter.findOne<AgentRow>({ model: 'agent', where: [{ field: 'id', value: agentId }] });
    if (!agent) throw new ControlFailure(404, 'agent_not_found', `no agent "${agentId}"`);
    return agent;
  }

  private async host(hostId: string): Promise<HostRow> {
    const { adapter } = await this.o.auth.$context;
    const host = await adapter.findOne<HostRow>({ model: 'agentHost', where: [{ field: 'id', value: hostId }] });
    if (!host) throw new ControlFailure(404, 'host_not_found', `no host "${hostId}"`);
    return host;
  }

  /** The agent and its host as stored after an operation. */
  private async agentResult(agentId: string): Promise<object> {
    const agent = await this.agent(agentId);
    const host = await this.host(agent.hostId);
    return {
      agent_id: agent.id,
      status: agent.status,
      host_id: host.id,
      host_status: host.status,
      ...(host.userId !== null && { user_id: host.userId }),
    };
  }

  private async hostResult(hostId: string): Promise<object> {
    const host = await this.host(hostId);
    return { host_id: host.id, host_status: host.status, ...(host.userId !== null && { user_id: host.userId }) };
  }
}
