import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ed25519KeyPair } from '../jose/index.ts';
import type { AgentMode } from '../protocol/index.ts';
import { keyPairFromPrivateJwk, writePrivateFile } from './keys.ts';
import { log } from './log.ts';

/** One agent connection: who the agent is, where, and the key that signs for it. */
export interface Connection {
  agentId: string;
  hostId?: string;
  name: string;
  mode: AgentMode;
  /** Last agent status the server reported. */
  status: string;
  serviceUrl: string;
  issuer: string;
  providerName: string;
  /** The agent's key pair; dropped when the connection ends (rejection, disconnect). */
  keys?: Ed25519KeyPair;
  /** The grants as last reported (registration, status, reactivation, request-capability). */
  grants: Record<string, unknown>[];
}

interface StoredConnection {
  agent_id: string;
  host_id?: string;
  name: string;
  mode: AgentMode;
  status: string;
  service_url: string;
  issuer: string;
  provider_name: string;
  private_jwk: unknown;
  grants: Record<string, unknown>[];
}

const AGENTS_DIR = 'agents';

/**
 * The client's agent connections. Connections are stored (file per agent, 0600, under the state
 * directory) once the server has made the agent active (§6.4 steps 5-6); pending, rejected and
 * forgotten agents live in memory only. File names are hashes of the server-chosen agent id, so an
 * agent id can never name a path.
 */
export class ConnectionStore {
  private readonly connections = new Map<string, Connection>();
  private readonly stored = new Set<string>();

  constructor(private readonly stateDir: string | undefined) {}

  async load(): Promise<void> {
    if (this.stateDir === undefined) return;
    let files: string[];
    try {
      files = await readdir(join(this.stateDir, AGENTS_DIR));
    } catch {
      return;
    }
    for (const file of files.filter((name) => name.endsWith('.json'))) {
      try {
        const stored = JSON.parse(await readFile(join(this.stateDir, AGENTS_DIR, file), 'utf8')) as StoredConnection;
        const connection: Connection = {
          agentId: stored.agent_id,
          name: stored.name,
          mode: stored.mode,
          status: stored.status,
          serviceUrl: stored.service_url,
          issuer: stored.issuer,
          providerName: stored.provider_name,
          keys: await keyPairFromPrivateJwk(stored.private_jwk),
          grants: stored.grants ?? [],
        };
        if (stored.host_id !== undefined) connection.hostId = stored.host_id;
        this.connections.set(connection.agentId, connection);
        this.stored.add(connection.agentId);
      } catch (error) {
        log(`ignoring unreadable connection file ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  get(agentId: string): Connection | undefined {
    return this.connections.get(agentId);
  }

  /** Keeps a connection in memory; `persist` also writes it (and every later save) to the state directory. */
  async save(connection: Connection, opts: { persist?: boolean } = {}): Promise<void> {
    this.connections.set(connection.agentId, connection);
    if (opts.persist) this.stored.add(connection.agentId);
    if (!this.stored.has(connection.agentId) || this.stateDir === undefined || connection.keys === undefined) return;
    const stored: StoredConnection = {
      agent_id: connection.agentId,
      name: connection.name,
      mode: connection.mode,
      status: connection.status,
      service_url: connection.serviceUrl,
      issuer: connection.issuer,
      provider_name: connection.providerName,
      private_jwk: connection.keys.privateJwk,
      grants: connection.grants,
    };
    if (connection.hostId !== undefined) stored.host_id = connection.hostId;
    await writePrivateFile(this.fileOf(connection.agentId), `${JSON.stringify(stored, null, 2)}\n`);
  }

  /** Forgets a connection: its key pair and stored file are gone (§6.7 step 3). */
  async remove(agentId: string): Promise<void> {
    const connection = this.connections.get(agentId);
    if (connection !== undefined) delete connection.keys;
    this.connections.delete(agentId);
    this.stored.delete(agentId);
    if (this.stateDir !== undefined) await rm(this.fileOf(agentId), { force: true });
  }

  private fileOf(agentId: string): string {
    const name = createHash('sha256').update(agentId).digest('hex').slice(0, 32);
    return join(this.stateDir!, AGENTS_DIR, `${name}.json`);
  }
}
