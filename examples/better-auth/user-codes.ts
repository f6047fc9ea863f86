import { createAuthMiddleware } from 'better-auth/api';

/** Plugin endpoints whose answers may carry a device-authorization approval object (§7.1). */
const APPROVAL_ISSUING_PATHS = new Set([
  '/agent/register',
  '/agent/request-capability',
  '/agent/reactivate',
  '/agent/claim',
]);

interface ApprovalAnswer {
  agent_id?: unknown;
  approval?: { user_code?: unknown };
}

/**
 * The latest device-authorization user code shown to each agent's client. The plugin stores only a
 * hash of the code, yet its approval endpoint insists on the plain code, which a real user reads off
 * the agent's screen. The control adapter plays that user, so it reads the code the same way: from
 * the answer the plugin sent to the client (captured by an after-hook, never altered).
 */
export class UserCodeBook {
  private readonly codes = new Map<string, string>();

  get(agentId: string): string | undefined {
    return this.codes.get(agentId);
  }

  /** The agent whose client was last shown `code` (codes compare without case or dashes). */
  agentFor(code: string): string | undefined {
    const wanted = normalize(code);
    for (const [agentId, shown] of this.codes) if (normalize(shown) === wanted) return agentId;
    return undefined;
  }

  clear(): void {
    this.codes.clear();
  }

  /** A better-auth `hooks.after` middleware that records codes from the plugin's answers. */
  afterHook() {
    return createAuthMiddleware(async (ctx) => {
      if (!APPROVAL_ISSUING_PATHS.has(ctx.path)) return;
      const answer = unwrap(ctx.context.returned) as ApprovalAnswer | undefined;
      const agentId = answer?.agent_id;
      const code = answer?.approval?.user_code;
      if (typeof agentId === 'string' && typeof code === 'string') this.codes.set(agentId, code);
    });
  }
}

/** An endpoint's return value is either the JSON body itself or better-call's `{_flag:"json", body}` wrapper. */
function unwrap(returned: unknown): unknown {
  if (typeof returned !== 'object' || returned === null) return undefined;
  const wrapped = returned as { _flag?: unknown; body?: unknown };
  return wrapped._flag === 'json' ? wrapped.body : returned;
}

function normalize(code: string): string {
  return code.replaceAll(/[^a-z0-9]/gi, '').toUpperCase();
}
