import { describe, expect, it } from 'vitest';
import { DriverConfigError, DriverStartError, type ClientSession } from '../../src/client-harness/drivers/driver.ts';
import { McpDriver } from '../../src/client-harness/drivers/mcp.ts';
import { TRANSCRIPT_LIMITS } from '../../src/client-harness/drivers/transcript.ts';
import { startHttpClient, type HttpClientFixture } from './fixtures/mcp-http-client.ts';
import { elapsed, entriesOf } from './helpers.ts';

const START = { issuer: 'http://127.0.0.1:9/issuer', tmpDir: '/nonexistent', startTimeoutMs: 5000 };

async function withClient(
  mode: string,
  run: (fixture: HttpClientFixture, session: ClientSession) => Promise<void>,
): Promise<void> {
  const fixture = await startHttpClient(mode);
  const driver = new McpDriver({ target: { transport: 'http', url: fixture.url }, callTimeoutMs: 2000 });
  const session = await driver.start({ ...START, scenarioId: `http-${mode}` });
  try {
    await run(fixture, session);
  } finally {
    await session.close();
    await fixture.close();
  }
}

describe('MCP Streamable HTTP driver', () => {
  it('calls tools over HTTP, records notifications and ends its MCP session on close', async () => {
    let fixture: HttpClientFixture | undefined;
    await withClient('normal', async (started, session) => {
      fixture = started;
      expect((await session.tools()).map((tool) => tool.name)).toContain('echo');
      const echo = await session.call('echo', { a: 1 });
      expect(echo.result?.json).toEqual({ tool: 'echo', args: { a: 1 } });
      const methods = entriesOf(session.transcript.snapshot().entries, 'notification').map((entry) => entry.method);
      expect(methods).toEqual(expect.arrayContaining(['notifications/progress', 'notifications/message']));
      expect((await session.call('elicit', {})).error?.kind).toBe('rpc-error');
    });
    expect(fixture?.opened).toHaveLength(1);
    expect(fixture?.terminated).toEqual(fixture?.opened);
  });

  it('times out a call the client never answers', async () => {
    await withClient('hang-on-call', async (_fixture, session) => {
      const { value: call, ms } = await elapsed(() => session.call('echo', {}, { timeoutMs: 500 }));
      expect(call.error?.kind).toBe('timeout');
      expect(ms).toBeLessThan(1500);
      expect((await session.call('whoami', {})).error).toBeUndefined();
    });
  });

  it('caps a notification flood', async () => {
    await withClient('flood-notifications', async (_fixture, session) => {
      expect((await session.call('echo', {}, { timeoutMs: 5000 })).error).toBeUndefined();
      const snapshot = session.transcript.snapshot();
      expect(entriesOf(snapshot.entries, 'notification')).toHaveLength(TRANSCRIPT_LIMITS.maxNotifications);
      expect(snapshot.dropped.notifications).toBeGreaterThan(0);
    });
  });

  it('reports an endpoint that went away as crashed', async () => {
    const fixture = await startHttpClient('normal');
    const session = await new McpDriver({ target: { transport: 'http', url: fixture.url }, callTimeoutMs: 2000 }).start(
      { ...START, scenarioId: 'gone' },
    );
    await fixture.close();
    const call = await session.call('echo', {});
    expect(call.error?.kind).toBe('crashed');
    expect(call.error?.message).toMatch(
      /^the client's endpoint is unreachable \((ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET)\)$/,
    );
    await session.close();
  });

  it('fails to start against an endpoint that does not speak MCP', async () => {
    const fixture = await startHttpClient('garbage');
    try {
      const driver = new McpDriver({ target: { transport: 'http', url: fixture.url } });
      const error = await driver.start({ ...START, scenarioId: 'garbage' }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(DriverStartError);
      expect((error as DriverStartError).kind).toBe('protocol');
      expect((error as DriverStartError).message).toContain('text/html');
    } finally {
      await fixture.close();
    }
  });

  it('fails to start when nothing listens, without hanging', async () => {
    const fixture = await startHttpClient('normal');
    await fixture.close();
    const error = await new McpDriver({ target: { transport: 'http', url: fixture.url } })
      .start({ ...START, scenarioId: 'nothing' })
      .catch((thrown: unknown) => thrown);
    expect((error as DriverStartError).kind).toBe('crashed');
  });

  it('rejects a URL that is not http(s)', () => {
    expect(() => new McpDriver({ target: { transport: 'http', url: 'ftp://127.0.0.1/mcp' } })).toThrow(
      DriverConfigError,
    );
  });
});
