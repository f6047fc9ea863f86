import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { packageInfo } from '../package-files.ts';
import type { ClientContext } from './context.ts';
import { log } from './log.ts';
import type { Reporter } from './reporter.ts';
import { ToolError, isRecord } from './tool-error.ts';
import { TOOL_DESCRIPTIONS, TOOL_INPUTS } from './tool-schemas.ts';
import { describeCapability, listCapabilities } from './tools/capabilities.ts';
import { connectAgent } from './tools/connect.ts';
import { executeCapability } from './tools/execute.ts';
import { agentStatus, disconnectAgent, reactivateAgent } from './tools/lifecycle.ts';
import { discoverProvider, listProviders } from './tools/providers.ts';
import { requestCapability } from './tools/request-capability.ts';
import { signJwt } from './tools/sign-jwt.ts';

const LOGGER = 'agent-auth';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * The reference client as an MCP server with the §6 tools. Every result is one text block holding
 * JSON plus the same object as structuredContent (an array result, list_providers', is wrapped as
 * `{providers: [...]}` there, since structuredContent must be an object). Failures are `isError`
 * results whose JSON is `{error, message, ...}`, with the server's error code when there is one.
 * What happens while a tool runs (approval codes, polling, stream chunks) goes out as progress
 * notifications (when the caller sent a progress token) and as logging notifications.
 */
export function createReferenceClientServer(ctx: ClientContext): McpServer {
  const server = new McpServer(
    { name: 'agent-auth-reference-client', version: packageInfo.version },
    { capabilities: { logging: {} } },
  );
  // The SDK reports invalid tool arguments as plain text; these tools answer JSON errors throughout.
  (server as unknown as { createToolError(message: string): CallToolResult }).createToolError = (message) =>
    failure(new ToolError('invalid_request', message));
  ctx.background.attach((message, data) =>
    server.sendLoggingMessage({ level: 'info', logger: LOGGER, data: { message, ...data } }),
  );

  const tool = <K extends keyof typeof TOOL_INPUTS>(name: K) => ({
    description: TOOL_DESCRIPTIONS[name],
    inputSchema: TOOL_INPUTS[name],
  });

  server.registerTool('list_providers', tool('list_providers'), () =>
    respond(async () => ({ providers: await listProviders(ctx) }), 'providers'),
  );
  server.registerTool('discover_provider', tool('discover_provider'), (args) =>
    respond(() => discoverProvider(ctx, args)),
  );
  server.registerTool('list_capabilities', tool('list_capabilities'), (args) =>
    respond(() => listCapabilities(ctx, args)),
  );
  server.registerTool('describe_capability', tool('describe_capability'), (args) =>
    respond(() => describeCapability(ctx, args)),
  );
  server.registerTool('connect_agent', tool('connect_agent'), (args, extra) =>
    respond(() => connectAgent(ctx, args, requestReporter(extra, 'connect_agent'))),
  );
  server.registerTool('sign_jwt', tool('sign_jwt'), (args) => respond(() => signJwt(ctx, args)));
  server.registerTool('request_capability', tool('request_capability'), (args, extra) =>
    respond(() => requestCapability(ctx, args, requestReporter(extra, 'request_capability'))),
  );
  server.registerTool('agent_status', tool('agent_status'), (args) => respond(() => agentStatus(ctx, args)));
  server.registerTool('reactivate_agent', tool('reactivate_agent'), (args, extra) =>
    respond(() => reactivateAgent(ctx, args, requestReporter(extra, 'reactivate_agent'))),
  );
  server.registerTool('disconnect_agent', tool('disconnect_agent'), (args) =>
    respond(() => disconnectAgent(ctx, args)),
  );
  server.registerTool('execute_capability', tool('execute_capability'), (args, extra) =>
    respond(() => executeCapability(ctx, args, requestReporter(extra, 'execute_capability'))),
  );
  return server;
}

/**
 * Runs a tool and shapes its answer. `unwrap` names a member whose value is the spec's result
 * (list_providers answers an array): the text then holds that value, structuredContent the object.
 */
async function respond(run: () => Promise<Record<string, unknown>>, unwrap?: string): Promise<CallToolResult> {
  try {
    const structured = await run();
    const shown = unwrap === undefined ? structured : structured[unwrap];
    return { content: [{ type: 'text', text: JSON.stringify(shown) }], structuredContent: structured };
  } catch (error) {
    if (!(error instanceof ToolError))
      log(`unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return failure(error);
  }
}

function failure(error: unknown): CallToolResult {
  const body =
    error instanceof ToolError
      ? error.body()
      : { error: 'client_error', message: error instanceof Error ? error.message : String(error) };
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body };
}

/** Notes for one tool call: progress (with the caller's token) and logging notifications, and stderr. */
function requestReporter(extra: Extra, toolName: string): Reporter {
  const token = extra._meta?.progressToken;
  let progress = 0;
  return {
    async notify(message, data) {
      log(`${toolName}: ${message}`);
      try {
        if (token !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress: ++progress, message },
          });
        }
        const payload = isRecord(data) ? { tool: toolName, message, ...data } : { tool: toolName, message };
        await extra.sendNotification({
          method: 'notifications/message',
          params: { level: 'info', logger: LOGGER, data: payload },
        });
      } catch (error) {
        log(`could not notify the caller: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
