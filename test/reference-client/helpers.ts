import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { decodeJwtUnverified, generateEd25519KeyPair, type Ed25519KeyPair } from '../../src/jose/index.ts';
import { HOST_KEY_FILE } from '../../src/reference-client/keys.ts';
import type { RecordedExchange } from '../../src/sim/index.ts';
import type { SimDriver } from '../sim/helpers.ts';
import { nodeArgsFor } from '../node-bundle.ts';

const REPO = join(import.meta.dirname, '..', '..');

/** How `node` starts the reference client: the arguments before the client's own (node-bundle.ts). */
export function referenceClientArgs(): Promise<string[]> {
  return nodeArgsFor(join(REPO, 'src', 'reference-client', 'main.ts'));
}

/** Every capability the simulator offers except the high-risk one (never auto-approved). */
const AUTO_CAPABILITIES = [
  'check_balance',
  'list_accounts',
  'transfer_money',
  'get_exchange_rate',
  'find_branch',
  'generate_report',
  'stream_transactions',
];

export interface ToolOutcome {
  ok: boolean;
  json: any;
  structured: any;
  /** Progress and logging notifications received while the call ran, as text. */
  surfaced: string[];
}

/** A reference-client process driven over real MCP stdio. */
export class ClientProcess {
  /** What the client logged, for diagnosing a failing test. */
  readonly stderr: string[] = [];
  private readonly logs: string[] = [];

  private constructor(readonly client: Client) {}

  static async start(opts: {
    providers: string[];
    stateDir: string;
    faults?: string[];
    approvalTimeout?: number;
  }): Promise<ClientProcess> {
    const args = [
      ...(await referenceClientArgs()),
      '--allow-insecure-loopback',
      '--state-dir',
      opts.stateDir,
      '--host-name',
      'test-host',
    ];
    for (const provider of opts.providers) args.push('--provider', provider);
    for (const fault of opts.faults ?? []) args.push('--fault', fault);
    if (opts.approvalTimeout !== undefined) args.push('--approval-timeout', String(opts.approvalTimeout));
    const transport = new StdioClientTransport({ command: process.execPath, args, cwd: REPO, stderr: 'pipe' });
    const client = new Client({ name: 'reference-client-test', version: '0.0.0' });
    const started = new ClientProcess(client);
    transport.stderr?.on('data', (chunk: Buffer) => started.stderr.push(chunk.toString()));
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      started.logs.push(JSON.stringify(notification.params.data));
    });
    await client.connect(transport);
    return started;
  }

  async call(name: string, args: Record<string, unknown> = {}): Promise<ToolOutcome> {
    const surfaced: string[] = [];
    const logsBefore = this.logs.length;
    const result: any = await this.client.callTool({ name, arguments: args }, undefined, {
      timeout: 30_000,
      resetTimeoutOnProgress: true,
      onprogress: (progress) => surfaced.push(String(progress.message ?? '')),
    });
    surfaced.push(...this.logs.slice(logsBefore));
    const text = result.content?.find((block: any) => block.type === 'text')?.text ?? '';
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { ok: result.isError !== true, json, structured: result.structuredContent, surfaced };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** A fresh state directory whose host key the simulator already knows as an approved, linked host. */
export async function seededStateDir(sim: SimDriver): Promise<{ dir: string; host: Ed25519KeyPair; hostId: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'reference-client-'));
  const host = await generateEd25519KeyPair();
  await writeFile(join(dir, HOST_KEY_FILE), JSON.stringify(host.privateJwk), { mode: 0o600 });
  const seed = await sim.activeAgent({ capabilities: ['check_balance'] }, { host });
  const defaults = await sim.control('set-host-defaults', { host_id: seed.hostId, capabilities: AUTO_CAPABILITIES });
  if (defaults.status !== 200) throw new Error(`set-host-defaults failed: ${defaults.text}`);
  return { dir, host, hostId: seed.hostId };
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** A recorded exchange with its bearer token decoded. */
export interface WireRequest {
  exchange: RecordedExchange;
  method: string;
  path: string;
  token?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  body: any;
}

/** The simulator's recorder position: exchanges after it are the test's. */
export function mark(sim: SimDriver): number {
  const entries = sim.sim.recorder.entries();
  return entries.at(-1)?.seq ?? 0;
}

/** Protocol requests the simulator saw after `since`, with bearer tokens and JSON bodies decoded. */
export function wire(
  sim: SimDriver,
  since: number,
  filter: (request: WireRequest) => boolean = () => true,
): WireRequest[] {
  return sim.sim.recorder
    .entries()
    .filter((exchange) => exchange.channel === 'protocol' && exchange.seq > since)
    .map((exchange) => {
      const token = /^Bearer (\S+)$/.exec(exchange.headers.authorization ?? '')?.[1];
      const decoded = token === undefined ? {} : decodeJwtUnverified(token);
      let body: unknown;
      try {
        body = exchange.body === '' ? undefined : JSON.parse(exchange.body);
      } catch {
        body = exchange.body;
      }
      const request: WireRequest = { exchange, method: exchange.method, path: exchange.path, body };
      if (token !== undefined) request.token = token;
      if (decoded.header !== undefined) request.header = decoded.header;
      if (decoded.claims !== undefined) request.claims = decoded.claims;
      return request;
    })
    .filter(filter);
}

/** Requests to `path` (without query) signed by `host` or one of its agents (iss = the host thumbprint). */
export function signedBy(host: Ed25519KeyPair, path?: string): (request: WireRequest) => boolean {
  return (request) =>
    request.claims?.iss === host.thumbprint && (path === undefined || request.path.split('?')[0] === path);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `probe` returns a value (polling every 50 ms), or throws after `timeoutMs`. */
export async function until<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}
