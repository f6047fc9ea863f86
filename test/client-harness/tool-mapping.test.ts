import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriverConfigError, type ClientSession } from '../../src/client-harness/drivers/driver.ts';
import { McpDriver } from '../../src/client-harness/drivers/mcp.ts';
import type { ToolCallRecord, ToolInfo } from '../../src/model/index.ts';
import { resultFromValue } from '../../src/client-harness/drivers/result.ts';
import {
  mapDriver,
  mapSession,
  MappingWorkaroundSchema,
  parseToolMapping,
} from '../../src/client-harness/drivers/tool-mapping.ts';
import { Transcript } from '../../src/client-harness/drivers/transcript.ts';
import { entriesOf, tsxCommand } from './helpers.ts';

/** An in-memory session answering each tool with a fixed value, remembering what it was sent. */
function fakeSession(tools: ToolInfo[], answers: Record<string, unknown>) {
  const sent: { tool: string; args: Record<string, unknown> }[] = [];
  let calls = 0;
  const session: ClientSession = {
    scenarioId: 'fake',
    transcript: new Transcript(),
    tools: async () => tools,
    call: async (tool, args): Promise<ToolCallRecord> => {
      sent.push({ tool, args });
      const record: ToolCallRecord = {
        seq: ++calls,
        tool,
        arguments: args,
        started_at: new Date().toISOString(),
        duration_ms: 0,
      };
      if (tools.some((candidate) => candidate.name === tool)) record.result = resultFromValue(answers[tool], false);
      else record.error = { kind: 'not-exposed', message: `no tool ${tool}` };
      return record;
    },
    close: async () => undefined,
  };
  return { session, sent };
}

const MAPPING = parseToolMapping({
  reason: 'the client predates the v1.0 tool names',
  tools: {
    connect_agent: {
      name: 'connect',
      arguments: { audience: 'aud', 'constraints.max_amount': 'maxAmount' },
      results: { agent_id: 'agentId', grants: 'grantList', 'grants.grant_status': 'grantStatus' },
      reason: 'connect_agent is called connect and speaks camelCase',
    },
    list_providers: { results: { issuer: 'issuerUrl' } },
  },
});

describe('tool mapping', () => {
  it('sends client names and returns spec names, deeply and through arrays', async () => {
    const { session, sent } = fakeSession(
      [
        {
          name: 'connect',
          inputSchema: { type: 'object', properties: { aud: { type: 'string' } }, required: ['aud'] },
        },
        { name: 'connect_agent', inputSchema: { type: 'object' } },
        { name: 'list_providers', inputSchema: { type: 'object' } },
      ],
      {
        connect: {
          agentId: 'a-1',
          grantList: [{ capability: 'check_balance', grantStatus: 'active', data: { agentId: 'untouched' } }],
        },
        list_providers: [
          { name: 'bank', issuerUrl: 'https://bank.test' },
          { name: 'mail', issuer: 'https://mail.test', issuerUrl: 'x' },
        ],
      },
    );
    const mapped = mapSession(session, MAPPING);
    const args = {
      audience: 'https://api.test',
      constraints: { max_amount: 10, currency: 'EUR' },
      capabilities: ['check_balance'],
    };

    const record = await mapped.call('connect_agent', args);
    expect(sent[0]).toEqual({
      tool: 'connect',
      args: {
        aud: 'https://api.test',
        constraints: { maxAmount: 10, currency: 'EUR' },
        capabilities: ['check_balance'],
      },
    });
    expect(args.constraints).toEqual({ max_amount: 10, currency: 'EUR' });
    expect(record.tool).toBe('connect_agent');
    expect(record.arguments).toEqual(args);
    expect(record.sent).toEqual({ tool: 'connect', arguments: sent[0]!.args });
    expect(record.result?.json).toEqual({
      agent_id: 'a-1',
      grants: [{ capability: 'check_balance', grant_status: 'active', data: { agentId: 'untouched' } }],
    });

    const providers = await mapped.call('list_providers', {});
    expect(providers.sent).toBeUndefined();
    expect(providers.result?.json).toEqual([
      { name: 'bank', issuer: 'https://bank.test' },
      { name: 'mail', issuer: 'https://mail.test', issuerUrl: 'x' },
    ]);

    expect((await mapped.call('describe_capability', { name: 'x' })).error?.kind).toBe('not-exposed');
  });

  it('shows the tool list in spec names and hides a spec-named tool that is mapped away', async () => {
    const { session } = fakeSession(
      [
        {
          name: 'connect',
          inputSchema: { type: 'object', properties: { aud: { type: 'string' } }, required: ['aud'] },
        },
        { name: 'connect_agent', inputSchema: { type: 'object' } },
        { name: 'list_providers', inputSchema: { type: 'object' } },
      ],
      {},
    );
    const tools = await mapSession(session, MAPPING).tools();
    expect(tools).toEqual([
      {
        name: 'connect_agent',
        inputSchema: { type: 'object', properties: { audience: { type: 'string' } }, required: ['audience'] },
      },
      { name: 'list_providers', inputSchema: { type: 'object' } },
    ]);
  });

  it('lists every mapping as a declared workaround with its reason and use count', async () => {
    const { session } = fakeSession([{ name: 'connect', inputSchema: {} }], { connect: { agentId: 'a' } });
    const mapped = mapSession(session, MAPPING);
    await mapped.call('connect_agent', { audience: 'x' });
    await mapped.call('connect_agent', {});
    const workarounds = mapped.workarounds();
    for (const workaround of workarounds) MappingWorkaroundSchema.parse(workaround);
    const byKey = Object.fromEntries(
      workarounds.map((workaround) => [`${workaround.kind}:${workaround.spec}`, workaround]),
    );
    expect(byKey['tool-name:connect_agent']).toMatchObject({
      client: 'connect',
      applied: 2,
      reason: 'connect_agent is called connect and speaks camelCase',
    });
    expect(byKey['argument:audience']).toMatchObject({
      client: 'aud',
      applied: 1,
      effect: 'the connect_agent argument audience is sent as aud',
    });
    expect(byKey['result-field:agent_id']).toMatchObject({ applied: 2 });
    expect(byKey['result-field:grants.grant_status']).toMatchObject({ applied: 0 });
    expect(byKey['result-field:issuer']).toMatchObject({
      tool: 'list_providers',
      reason: 'the client predates the v1.0 tool names',
    });
    expect(workarounds).toHaveLength(7);
  });

  it('explains the workaround when a mapped tool is missing', async () => {
    const { session } = fakeSession([], {});
    const record = await mapSession(session, MAPPING).call('connect_agent', {});
    expect(record.error?.message).toBe('no tool connect (connect_agent is mapped to connect by a declared workaround)');
  });

  it('rejects mappings without a reason, empty entries and two spec tools on one client tool', () => {
    expect(() => parseToolMapping({ tools: { connect_agent: { name: 'connect' } } })).toThrow(
      /tools\.connect_agent\.reason/,
    );
    expect(() => parseToolMapping({ reason: 'r', tools: { connect_agent: {} } })).toThrow(/maps nothing/);
    expect(() =>
      parseToolMapping({ reason: 'r', tools: { connect_agent: { name: 'c' }, execute_capability: { name: 'c' } } }),
    ).toThrow(DriverConfigError);
    expect(() => parseToolMapping({ reason: 'r', tools: { connect_agent: { results: { agent_id: 'a.b' } } } })).toThrow(
      /not a path/,
    );
  });

  it('maps a real MCP client end to end', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'aac-mapping-'));
    const driver = mapDriver(
      new McpDriver({
        target: { transport: 'stdio', command: tsxCommand('mcp-stdio-client.ts') },
        callTimeoutMs: 2000,
        killGraceMs: 300,
      }),
      parseToolMapping({
        reason: 'the fake client uses its own names',
        tools: {
          connect_agent: {
            name: 'connect',
            arguments: { audience: 'aud' },
            results: {
              agent_id: 'agentId',
              host_id: 'hostId',
              'grants.capability': 'capabilityName',
              'grants.grant_status': 'grantStatus',
            },
          },
        },
      }),
    );
    const session = await driver.start({
      issuer: 'http://127.0.0.1:9',
      tmpDir: tmp,
      scenarioId: 'mapped',
      startTimeoutMs: 10_000,
    });
    try {
      expect((await session.tools()).map((tool) => tool.name)).toContain('connect_agent');
      const record = await session.call('connect_agent', {
        audience: 'https://api.test',
        capabilities: ['check_balance'],
      });
      expect(record.result?.json).toMatchObject({
        agent_id: 'agent-1',
        host_id: 'host-1',
        grants: [{ capability: 'check_balance', grant_status: 'active' }],
        received: { aud: 'https://api.test', capabilities: ['check_balance'] },
      });
      const call = entriesOf(session.transcript.snapshot().entries, 'call').at(-1);
      expect(call).toMatchObject({ tool: 'connect', arguments: { aud: 'https://api.test' } });
    } finally {
      await session.close();
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
