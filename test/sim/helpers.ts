import { generateEd25519KeyPair, mintAgentJwt, mintHostJwt, type Ed25519KeyPair } from '../../src/jose/index.ts';
import type { AgentJwtOptions, HostJwtOptions } from '../../src/jose/index.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/sim/index.ts';

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface RegisteredAgent {
  host: Ed25519KeyPair;
  agent: Ed25519KeyPair;
  agentId: string;
  hostId: string;
  registration: any;
}

type HostTokenOptions = Partial<Omit<HostJwtOptions, 'host'>>;
type AgentTokenOptions = Partial<Omit<AgentJwtOptions, 'agent' | 'agentId' | 'hostIss'>> & { hostIss?: string };

/** A started simulator plus conveniences for driving it over real HTTP in tests. */
export class SimDriver {
  private constructor(readonly sim: RunningSimulator) {}

  static async start(options: SimulatorOptions = {}): Promise<SimDriver> {
    return new SimDriver(await startSimulator(options));
  }

  get issuer(): string {
    return this.sim.issuer;
  }

  get executeUrl(): string {
    return `${this.sim.issuer}/capability/execute`;
  }

  /** Server time in JWT seconds. */
  now(): number {
    return this.sim.clock.nowSeconds();
  }

  stop(): Promise<void> {
    return this.sim.stop();
  }

  hostJwt(host: Ed25519KeyPair, opts: HostTokenOptions = {}): Promise<string> {
    return mintHostJwt({ host, aud: this.issuer, now: this.now(), ...opts });
  }

  agentJwt(a: Pick<RegisteredAgent, 'host' | 'agent' | 'agentId'>, opts: AgentTokenOptions = {}): Promise<string> {
    return mintAgentJwt({
      agent: a.agent,
      agentId: a.agentId,
      hostIss: opts.hostIss ?? a.host.thumbprint,
      aud: this.issuer,
      now: this.now(),
      ...opts,
    });
  }

  async request(
    method: string,
    path: string,
    init: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const url = path.startsWith('http') ? path : `${this.issuer}${path}`;
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  get(path: string, token?: string): Promise<Answer> {
    return this.request('GET', path, { token });
  }

  post(path: string, body: unknown, token?: string): Promise<Answer> {
    return this.request('POST', path, { token, body });
  }

  control(operation: string, body: unknown = {}): Promise<Answer> {
    return this.post(`${this.sim.controlUrl}/${operation}`, body);
  }

  async register(
    body: Record<string, unknown>,
    keys: { host?: Ed25519KeyPair; agent?: Ed25519KeyPair; token?: HostTokenOptions } = {},
  ): Promise<Answer & { host: Ed25519KeyPair; agent: Ed25519KeyPair }> {
    const host = keys.host ?? (await generateEd25519KeyPair());
    const agent = keys.agent ?? (await generateEd25519KeyPair());
    const token = await this.hostJwt(host, { agentPublicKey: agent.publicJwk, ...keys.token });
    const answer = await this.post('/agent/register', { name: 'test agent', ...body }, token);
    return { ...answer, host, agent };
  }

  /** Registers an agent and approves it through the control API, so it ends up active. */
  async activeAgent(
    body: Record<string, unknown> = {},
    keys: { host?: Ed25519KeyPair; agent?: Ed25519KeyPair } = {},
  ): Promise<RegisteredAgent> {
    const answer = await this.register({ capabilities: ['check_balance'], ...body }, keys);
    if (answer.status !== 200) throw new Error(`registration failed: ${answer.status} ${answer.text}`);
    if (answer.body.status === 'pending') {
      const approved = await this.control('approve', { agent_id: answer.body.agent_id });
      if (approved.status !== 200) throw new Error(`approval failed: ${approved.status} ${approved.text}`);
    }
    return {
      host: answer.host,
      agent: answer.agent,
      agentId: answer.body.agent_id,
      hostId: answer.body.host_id,
      registration: answer.body,
    };
  }

  async execute(
    a: RegisteredAgent,
    capability: string,
    args?: Record<string, unknown>,
    opts: AgentTokenOptions = {},
  ): Promise<Answer> {
    const token = await this.agentJwt(a, { aud: this.executeUrl, ...opts });
    return this.post('/capability/execute', { capability, ...(args !== undefined && { arguments: args }) }, token);
  }

  async status(a: Pick<RegisteredAgent, 'host' | 'agentId'>, host: Ed25519KeyPair = a.host): Promise<Answer> {
    return this.get(`/agent/status?agent_id=${encodeURIComponent(a.agentId)}`, await this.hostJwt(host));
  }
}

/** Asserts the §5.13 error shape and returns the code. */
export function errorCode(answer: Answer): string {
  if (typeof answer.body?.error !== 'string' || typeof answer.body?.message !== 'string') {
    throw new Error(`not a §5.13 error body: ${answer.status} ${answer.text}`);
  }
  return answer.body.error;
}
