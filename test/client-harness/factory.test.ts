import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDriver, DriverConfigError, parseToolMapping } from '../../src/client-harness/drivers/index.ts';
import { FIXTURES } from './helpers.ts';

describe('createDriver', () => {
  it('builds each kind of driver from CLI-like options', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aac-factory-'));
    try {
      const config = join(dir, 'tools.json');
      await writeFile(config, JSON.stringify({ tools: { connect_agent: { command: ['agent-cli', 'connect'] } } }));
      expect(
        (
          await createDriver({ driver: 'mcp', command: 'agent-auth-mcp --issuer {issuer}', env: ['HOME={tmp}'] })
        ).describe(),
      ).toBe('MCP over stdio: agent-auth-mcp --issuer {issuer}');
      expect((await createDriver({ driver: 'mcp', url: 'http://127.0.0.1:3000/mcp' })).describe()).toBe(
        'MCP over Streamable HTTP: http://127.0.0.1:3000/mcp',
      );
      expect((await createDriver({ driver: 'command', config })).describe()).toBe('commands: connect_agent');
      const module = await createDriver({ driver: 'module', module: join(FIXTURES, 'adapter.ts') });
      expect(module.kind).toBe('module');

      const mapped = await createDriver({
        driver: 'module',
        module: join(FIXTURES, 'adapter.ts'),
        mapping: parseToolMapping({ reason: 'test', tools: { connect_agent: { name: 'echo' } } }),
      });
      const session = await mapped.start({ issuer: 'http://127.0.0.1:9', tmpDir: dir, scenarioId: 'factory' });
      try {
        expect((await session.call('connect_agent', { a: 1 })).result?.json).toEqual({ tool: 'echo', args: { a: 1 } });
      } finally {
        await session.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says what does not fit', async () => {
    const invalid = (options: Parameters<typeof createDriver>[0]) =>
      expect(createDriver(options)).rejects.toThrow(DriverConfigError);
    await invalid({ driver: 'mcp' });
    await invalid({ driver: 'mcp', command: 'x', url: 'http://127.0.0.1/mcp' });
    await invalid({ driver: 'mcp', url: 'http://127.0.0.1/mcp', env: ['A=1'] });
    await invalid({ driver: 'mcp', command: 'x', env: ['not an assignment'] });
    await invalid({ driver: 'command' });
    await invalid({ driver: 'command', config: '/nonexistent/tools.json' });
    await invalid({ driver: 'command', config: 'tools.json', url: 'http://127.0.0.1/mcp' });
    await invalid({ driver: 'module' });
    await invalid({ driver: 'other' as 'mcp' });
    await expect(createDriver({ driver: 'command', module: 'x.ts', config: 'y.json' })).rejects.toThrow(
      '--module does not apply to the command driver',
    );
  });
});
