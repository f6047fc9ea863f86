import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetClock } from '../../src/harness/target-clock.ts';
import { ControlClient, probeControl } from '../../src/harness/control-client.ts';
import { HttpDriver } from '../../src/harness/http-driver.ts';
import { ControlError } from '../../src/harness/outcome.ts';
import { json, startLocalServer, type LocalServer } from './local-server.ts';

describe('ControlClient', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer({
      '/ctl': json(200, { contract: 'agent-auth-control/1', supports: ['approve', 'advance-clock', 'teleport'] }),
      '/ctl/approve': json(404, { error: 'agent_not_found', message: 'no such agent' }),
      '/ctl/advance-clock': json(200, { ok: true }),
      '/wrong': json(200, { contract: 'something-else/2', supports: [] }),
    });
  });
  afterAll(() => server.close());

  it('reads the supported operations, keeping unknown names apart', async () => {
    const probe = await probeControl(new HttpDriver().session('setup'), `${server.url}/ctl/`);
    expect(probe).toEqual({
      ok: true,
      info: { baseUrl: `${server.url}/ctl`, supports: ['approve', 'advance-clock'], unknown: ['teleport'] },
    });
    const wrong = await probeControl(new HttpDriver().session('setup'), `${server.url}/wrong`);
    expect(wrong.ok).toBe(false);
  });

  it('records operations on the check and throws ControlError when one fails or is unsupported', async () => {
    const http = new HttpDriver().session('server.x.y');
    const clock = new TargetClock();
    const control = new ControlClient(
      http,
      { baseUrl: `${server.url}/ctl`, supports: ['approve', 'advance-clock'], unknown: [] },
      clock,
    );
    expect(control.supports('reset')).toBe(false);
    const before = clock.nowSeconds();
    expect((await control.advanceClock({ seconds: 60 })).json).toEqual({ ok: true });
    expect(clock.nowSeconds() - before).toBeGreaterThanOrEqual(60);
    expect(server.received.at(-1)?.body).toBe('{"seconds":60}');
    expect(server.received.at(-1)?.headers['x-conformance-check']).toBe('server.x.y');
    await expect(control.approve({ agent_id: 'agt_x' })).rejects.toThrow(ControlError);
    await expect(control.reset()).rejects.toThrow(/does not support "reset"/);
    expect(http.exchanges.map((e) => e.label)).toEqual(['control: advance-clock', 'control: approve']);
  });
});
