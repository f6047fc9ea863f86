import { z } from 'zod';
import { CapabilityRequestItemSchema } from '../protocol/index.ts';

/**
 * Input schemas of the §6 tools, with the spec's snake_case argument names. Capability items are
 * the wire model's: a name or `{name, constraints}` (§6.4, §6.6), sent on as given.
 */
const capabilityItem = CapabilityRequestItemSchema;

const agentId = z.string().min(1).describe("The agent's ID");
const provider = z
  .string()
  .optional()
  .describe('Provider name (from list_providers) or service URL; the first configured provider when omitted');
const approvalHints = {
  reason: z.string().optional().describe('Why the agent needs this; shown on the approval screen'),
  preferred_method: z.string().optional().describe('Preferred approval method hint, e.g. device_authorization or ciba'),
  login_hint: z.string().optional().describe('User identifier hint for approval methods such as CIBA'),
  binding_message: z.string().optional().describe('Short message shown to the approver'),
};

export const TOOL_INPUTS = {
  list_providers: {},
  discover_provider: { url: z.string().min(1).describe('Direct service URL') },
  list_capabilities: {
    provider,
    query: z.string().optional().describe('Search query for server-side filtering'),
    agent_id: agentId.optional().describe('List as this agent, with grant status'),
    cursor: z.string().optional().describe('Pagination cursor from a previous listing'),
  },
  describe_capability: {
    provider,
    name: z.string().min(1).describe('The capability name to describe'),
    agent_id: agentId.optional().describe('Describe as this agent, with grant status'),
  },
  connect_agent: {
    provider: z.string().min(1).describe('Provider name (from list_providers) or service URL'),
    name: z.string().optional().describe('Human-readable agent name for dashboards, approval screens and audit logs'),
    capabilities: z.array(capabilityItem).optional().describe('Capabilities to request'),
    mode: z.enum(['delegated', 'autonomous']).optional().describe('delegated (default) or autonomous'),
    ...approvalHints,
  },
  sign_jwt: {
    agent_id: agentId,
    aud: z.string().optional().describe("Audience URL; the server's issuer when omitted"),
    capabilities: z.array(z.string()).optional().describe('Restrict the token to these granted capabilities'),
  },
  request_capability: {
    agent_id: agentId,
    capabilities: z.array(capabilityItem).min(1).describe('Additional capabilities to request'),
    ...approvalHints,
  },
  agent_status: { agent_id: agentId },
  reactivate_agent: { agent_id: agentId },
  disconnect_agent: { agent_id: agentId },
  execute_capability: {
    agent_id: agentId,
    capability: z.string().min(1).describe('The capability to execute'),
    arguments: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Arguments conforming to the capability's input schema"),
  },
} as const;

export const TOOL_DESCRIPTIONS: Record<keyof typeof TOOL_INPUTS, string> = {
  list_providers: 'List the Agent Auth providers this client has available (§6.2.1).',
  discover_provider: "Fetch a provider's discovery document from its service URL and return the provider (§6.2.3).",
  list_capabilities: 'List the capabilities a provider offers; with agent_id, with per-agent grant status (§6.3).',
  describe_capability: 'Describe one capability in full, including its input and output schemas (§6.3.1).',
  connect_agent: 'Register a new agent with a provider, following any approval the user has to give (§6.4).',
  sign_jwt: 'Sign a short-lived agent JWT for direct use with a resource server (§6.5).',
  request_capability: 'Request additional capabilities for a connected agent, following any approval (§6.6).',
  agent_status: "Check an agent's status and grants at its provider (§6.9).",
  reactivate_agent: 'Reactivate an expired agent; its capabilities decay to the host defaults (§6.8).',
  disconnect_agent: 'Revoke an agent at its provider and forget it locally; permanent (§6.7).',
  execute_capability:
    'Execute a granted capability at its location and return the result, following async jobs and streams (§6.10).',
};
