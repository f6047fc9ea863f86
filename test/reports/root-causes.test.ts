import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/reports/markdown.ts';
import { rootCauses } from '../../src/reports/root-causes.ts';
import { exchange, result, sampleReport } from './sample-report.ts';

const quotaAnswer = exchange({
  label: 'register',
  request: { method: 'POST', url: 'http://127.0.0.1:4000/agent/register', headers: {} },
  response: {
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: '{"error":"agent_limit_reached","message":"too many agents"}',
    body_bytes: 60,
    truncated: false,
  },
});

describe('shared causes of failures and errors', () => {
  it('groups checks that stopped at the same request with the same answer', () => {
    const blocked = ['server.lifecycle.a', 'server.lifecycle.b', 'server.revocation.c'].map((id) =>
      result({
        id,
        status: 'error',
        message: 'precondition: registration',
        failure: undefined,
        exchanges: [quotaAnswer],
      }),
    );
    const report = sampleReport([...blocked, result()]);
    expect(rootCauses(report)).toEqual([
      {
        cause: '400 agent_limit_reached at register (POST /agent/register)',
        checks: ['server.lifecycle.a', 'server.lifecycle.b', 'server.revocation.c'],
      },
    ]);
    expect(renderMarkdown(report)).toContain(
      '`400 agent_limit_reached at register (POST /agent/register)` blocks 3 checks',
    );
  });

  it('leaves single failures and passing checks alone', () => {
    const report = sampleReport([result(), result({ id: 'other', status: 'passed', exchanges: [quotaAnswer] })]);
    expect(rootCauses(report)).toEqual([]);
  });
});
