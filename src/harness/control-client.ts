import type { HttpResult, HttpSession } from './http-driver.ts';
import { describeExchange } from '../model/index.ts';
import { ControlError, Skip } from './outcome.ts';
import type { TargetClock } from './target-clock.ts';
import { type ControlFixtures, readFixtures } from './control-fixtures.ts';

/** The operator control contract the harness speaks (see spec/control-contract.md). */
export const CONTROL_CONTRACT = 'agent-auth-control/1';

export const CONTROL_OPERATIONS = [
  'approve',
  'deny',
  'link-host',
  'unlink-host',
  'set-host-defaults',
  'expire-agent',
  'advance-clock',
  'restore-clock',
  'revoke-host',
  'create-user',
  'delete-user',
  'remove-capability',
  'restore-capability',
  'reset',
] as const;
export type ControlOperation = (typeof CONTROL_OPERATIONS)[number];

export interface ControlInfo {
  baseUrl: string;
  supports: ControlOperation[];
  /** Operations the target lists that this harness does not know. */
  unknown: string[];
  /** Test data the hook declares about its capabilities (control-fixtures.ts). */
  fixtures?: ControlFixtures;
  /** Why a `fixtures` member the hook gave was not used. */
  fixturesProblem?: string;
}

export type ControlProbe = { ok: true; info: ControlInfo } | { ok: false; error: string };

/** Reads `GET <base>`: the contract name and the operations the target supports. */
export async function probeControl(http: HttpSession, baseUrl: string): Promise<ControlProbe> {
  const base = baseUrl.replace(/\/+$/, '');
  const result = await http.send({ method: 'GET', url: base, label: 'control: supported operations' });
  if (result.error) return { ok: false, error: `control URL unreachable: ${describeExchange(result.exchange)}` };
  if (result.status !== 200) return { ok: false, error: `control URL answered ${result.status}, expected 200` };
  const json: unknown = result.json;
  if (typeof json !== 'object' || json === null)
    return { ok: false, error: 'control URL did not answer a JSON object' };
  const { contract, supports, fixtures } = json as { contract?: unknown; supports?: unknown; fixtures?: unknown };
  if (contract !== CONTROL_CONTRACT) {
    return {
      ok: false,
      error: `control URL speaks contract ${JSON.stringify(contract)}, expected "${CONTROL_CONTRACT}"`,
    };
  }
  if (!Array.isArray(supports) || !supports.every((op) => typeof op === 'string')) {
    return { ok: false, error: 'control URL answered without a "supports" list of operation names' };
  }
  const known = new Set<string>(CONTROL_OPERATIONS);
  return {
    ok: true,
    info: {
      baseUrl: base,
      supports: supports.filter((op): op is ControlOperation => known.has(op)),
      unknown: supports.filter((op) => !known.has(op)),
      ...fixtureMembers(fixtures),
    },
  };
}

function fixtureMembers(value: unknown): Pick<ControlInfo, 'fixtures' | 'fixturesProblem'> {
  const { fixtures, problem } = readFixtures(value);
  return { ...(fixtures && { fixtures }), ...(problem && { fixturesProblem: problem }) };
}

export interface ApproveBody {
  agent_id: string;
  capabilities?: string[];
  user_code?: string;
  user_id?: string;
}

/**
 * Operator control hooks for one check. `call` returns whatever the target answered; the named
 * helpers throw ControlError unless the operation succeeded (2xx), since a misbehaving hook is a
 * setup problem rather than a protocol failure.
 */
export class ControlClient {
  constructor(
    private readonly http: HttpSession,
    readonly info: ControlInfo,
    private readonly clock: TargetClock,
  ) {}

  supports(op: ControlOperation): boolean {
    return this.info.supports.includes(op);
  }

  call(op: ControlOperation, body: Record<string, unknown> = {}): Promise<HttpResult> {
    return this.http.send({ method: 'POST', url: `${this.info.baseUrl}/${op}`, json: body, label: `control: ${op}` });
  }

  async perform(op: ControlOperation, body: Record<string, unknown> = {}): Promise<HttpResult> {
    const result = await this.attempt(op, body);
    if (result.status >= 300) throw this.failure(op, result);
    return result;
  }

  /**
   * Performs an operation the target may refuse in the state it is in (a 4xx, e.g. approving an agent
   * with nothing pending), returning that refusal; a hook that cannot be reached or fails on its own
   * throws as for `perform`.
   */
  async attempt(op: ControlOperation, body: Record<string, unknown> = {}): Promise<HttpResult> {
    if (!this.supports(op)) throw new ControlError(`the target's control hook does not support "${op}"`);
    const result = await this.call(op, body);
    const refused = result.status >= 400 && result.status < 500;
    if (result.error === undefined && (refused || (result.status >= 200 && result.status < 300))) return result;
    throw this.failure(op, result);
  }

  private failure(op: ControlOperation, result: HttpResult): Error {
    const detail = result.json?.message ?? result.json?.error ?? result.body.slice(0, 200);
    // 501 is the contract's answer for what a target cannot do (possibly only in this form): a limit
    // of its operator hooks, which skips the check like a missing operation does, not a harness error.
    if (result.status === 501)
      return new Skip(`the target's control hook cannot perform "${op}" as asked (501): ${detail ?? ''}`.trim());
    return new ControlError(
      `control operation "${op}" failed: ${describeExchange(result.exchange)} ${detail ?? ''}`.trim(),
    );
  }

  approve(body: ApproveBody): Promise<HttpResult> {
    return this.perform('approve', { ...body });
  }

  deny(body: { agent_id: string; capabilities?: string[]; reason?: string }): Promise<HttpResult> {
    return this.perform('deny', { ...body });
  }

  linkHost(body: { host_id: string; user_id?: string }): Promise<HttpResult> {
    return this.perform('link-host', { ...body });
  }

  unlinkHost(body: { host_id: string }): Promise<HttpResult> {
    return this.perform('unlink-host', { ...body });
  }

  setHostDefaults(body: { host_id: string; capabilities: string[] }): Promise<HttpResult> {
    return this.perform('set-host-defaults', { ...body });
  }

  expireAgent(body: { agent_id: string; clock: 'session' | 'max' | 'absolute' }): Promise<HttpResult> {
    return this.perform('expire-agent', { ...body });
  }

  /** Seconds this client moved the target's clock; the runner moves it back when the check ends. */
  advancedSeconds = 0;

  async advanceClock(body: { seconds: number }): Promise<HttpResult> {
    const result = await this.perform('advance-clock', { ...body });
    this.clock.advanced(body.seconds);
    this.advancedSeconds += body.seconds;
    return result;
  }

  async restoreClock(): Promise<HttpResult> {
    const result = await this.perform('restore-clock', {});
    this.clock.reset();
    return result;
  }

  revokeHost(body: { host_id: string }): Promise<HttpResult> {
    return this.perform('revoke-host', { ...body });
  }

  /** A new user account, named by the id the server issued for it. */
  async createUser(): Promise<string> {
    const result = await this.perform('create-user', {});
    const userId: unknown = result.json?.user_id;
    if (typeof userId !== 'string' || userId === '')
      throw new ControlError(
        `control operation "create-user" answered without a user_id: ${result.body.slice(0, 200)}`,
      );
    return userId;
  }

  deleteUser(body: { user_id: string }): Promise<HttpResult> {
    return this.perform('delete-user', { ...body });
  }

  /** Capabilities this client removed; the runner restores them when the check ends. */
  readonly removedCapabilities: string[] = [];

  async removeCapability(body: { name: string }): Promise<HttpResult> {
    const result = await this.perform('remove-capability', { ...body });
    this.removedCapabilities.push(body.name);
    return result;
  }

  restoreCapability(body: { name: string }): Promise<HttpResult> {
    return this.perform('restore-capability', { ...body });
  }

  async reset(): Promise<HttpResult> {
    const result = await this.perform('reset', {});
    this.clock.reset();
    return result;
  }
}
