import { createHash, timingSafeEqual } from 'node:crypto';
import { agentAuth } from '@better-auth/agent-auth';
import type { Capability } from '@better-auth/agent-auth';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { DEFAULT_HOST_CAPABILITIES, executeCapability } from './capabilities.ts';
import type { JobBook } from './jobs.ts';
import type { UserCodeBook } from './user-codes.ts';
import type { UserDirectory } from './users.ts';

/** better-auth's path prefix; the plugin's issuer is `<origin><BASE_PATH>`. */
export const BASE_PATH = '/api/auth';

/** Every table better-auth and the plugin use; the memory adapter needs each one to exist. */
const TABLES = [
  'user',
  'session',
  'account',
  'verification',
  'agentHost',
  'agent',
  'agentCapabilityGrant',
  'approvalRequest',
];

export type MemoryDatabase = Record<string, Record<string, unknown>[]>;

export function emptyDatabase(): MemoryDatabase {
  return Object.fromEntries(TABLES.map((table) => [table, []]));
}

/** Empties every table in place (the adapter keeps its reference to `db`). */
export function clearDatabase(db: MemoryDatabase): void {
  for (const table of TABLES) db[table] = [];
}

/** Lifetime clocks (seconds, §2.4). Session TTL and max lifetime are the plugin's defaults. */
export const LIFETIMES = {
  session: 3600,
  max: 86_400,
  absolute: 7 * 86_400,
} as const;

/**
 * Password hashing for the throwaway test accounts, which all share one published password: the
 * control adapter signs in again whenever a user's kept session gets old (the plugin wants recent
 * sessions), and better-auth's default scrypt, slow by design, would make each sign-in cost most of
 * a second on a busy machine.
 */
const TEST_PASSWORD_HASHING = {
  hash: async (password: string) => createHash('sha256').update(password).digest('hex'),
  verify: async ({ hash, password }: { hash: string; password: string }) => {
    const expected = Buffer.from(hash, 'hex');
    const actual = createHash('sha256').update(password).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  },
};

export interface TargetAuthOptions {
  origin: string;
  db: MemoryDatabase;
  /** The live capability set; the plugin reads this array on every request. */
  capabilities: Capability[];
  jobs: JobBook;
  userCodes: UserCodeBook;
  users: UserDirectory;
  /** Print better-auth's error log (every 4xx the plugin raises shows up there too). */
  log: boolean;
  /** Which protection settings: lifted for conformance (default) or the library's own. */
  settings?: TargetSettings;
}

/**
 * 'conformance': better-auth's rate limiter off and no per-user agent cap, so one test user can
 * approve the hundreds of agents a run registers. 'library-defaults': both as the library ships
 * them (the limiter on with its default rules, 25 live agents per user), as a deployment that did
 * not tune them runs; everything else is the same.
 */
export type TargetSettings = 'conformance' | 'library-defaults';

export function createTargetAuth(o: TargetAuthOptions) {
  const defaults = o.settings === 'library-defaults';
  return betterAuth({
    baseURL: o.origin,
    basePath: BASE_PATH,
    // Fixed, public test secret: the target only ever listens on loopback with throwaway data.
    secret: 'agent-auth-conformance-reference-target-secret',
    database: memoryAdapter(o.db),
    emailAndPassword: { enabled: true, password: TEST_PASSWORD_HASHING },
    user: { deleteUser: { enabled: true } },
    databaseHooks: o.users.databaseHooks(),
    trustedOrigins: [o.origin],
    telemetry: { enabled: false },
    // better-auth's limiter would throttle a conformance run (10 registrations a minute per IP). The
    // library turns it on only in production, so the library-defaults settings turn it on explicitly.
    rateLimit: { enabled: defaults },
    logger: o.log ? { level: 'error' } : { disabled: true },
    hooks: { after: o.userCodes.afterHook() },
    plugins: [
      agentAuth({
        providerName: 'better-auth-reference',
        providerDescription:
          'Demo bank served by better-auth with @better-auth/agent-auth (conformance reference target)',
        modes: ['delegated', 'autonomous'],
        approvalMethods: ['device_authorization', 'ciba'],
        capabilities: o.capabilities,
        onExecute: executeCapability(o.jobs),
        // Unknown hosts may register (§2.8 dynamic registration); the plugin's default is to refuse them.
        allowDynamicHostRegistration: true,
        defaultHostCapabilities: DEFAULT_HOST_CAPABILITIES,
        // A conformance run has one test user approve hundreds of agents; the plugin's default cap of
        // 25 active agents per user would refuse later registrations (agent_limit_reached). 0 lifts it.
        ...(!defaults && { maxAgentsPerUser: 0 }),
        agentSessionTTL: LIFETIMES.session,
        agentMaxLifetime: LIFETIMES.max,
        // The plugin disables the absolute clock by default; enable it so all three clocks exist.
        absoluteLifetime: LIFETIMES.absolute,
        // Without a user the plugin refuses every autonomous agent request (autonomous_owner_required);
        // a per-host placeholder account is the plugin's documented answer, and §2.10 allows one.
        resolveAutonomousUser: ({ hostId }) => ({
          id: `autonomous-${hostId}`,
          name: `Autonomous host ${hostId}`,
          email: `autonomous-${hostId}@host.invalid`,
        }),
      }),
    ],
  });
}

export type TargetAuth = ReturnType<typeof createTargetAuth>;
