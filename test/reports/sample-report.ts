import { summarize, type CheckResult, type Exchange, type ServerReport } from '../../src/model/index.ts';

export function exchange(overrides: Partial<Exchange> = {}): Exchange {
  return {
    seq: 1,
    check: 'server.jwt.rejects-alg-none',
    label: 'execute',
    started_at: '2026-01-01T00:00:00.000Z',
    duration_ms: 3,
    request: {
      method: 'POST',
      url: 'http://127.0.0.1:4000/capability/execute',
      headers: { Authorization: 'Bearer a.b.c', 'X-Conformance-Check': 'server.jwt.rejects-alg-none' },
      body: '{"capability":"<script>alert(1)</script>"}',
      jwt: { header: { alg: 'none', typ: 'agent+jwt' }, claims: { sub: 'agt_1', note: '</pre><script>x()</script>' } },
    },
    response: {
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<script>alert("pwned")</script> & "quotes" \u0001',
      body_bytes: 40,
      truncated: false,
    },
    ...overrides,
  };
}

export function result(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    id: 'server.jwt.rejects-alg-none',
    title: 'Rejects <alg none> tokens',
    area: 'jwt',
    requirements: ['AAP-4.5-STEP7'],
    rulings: [],
    level: 'MUST',
    status: 'failed',
    message: 'expected HTTP 401, got 200 <script>',
    failure: { expected: { status: 401 }, observed: { status: 200, error: '<script>' }, exchange: 1 },
    notes: ['a note & more'],
    duration_ms: 12,
    exchange_count: 1,
    exchanges: [exchange()],
    ...overrides,
  };
}

export function sampleReport(checks: CheckResult[] = defaultChecks()): ServerReport {
  return {
    tool: { name: 'agent-auth-conformance', version: '0.1.0' },
    spec_version: '1.0-draft',
    kind: 'server',
    target: {
      url: 'http://127.0.0.1:4000',
      discovery_url: 'http://127.0.0.1:4000/.well-known/agent-configuration',
      issuer: 'http://127.0.0.1:4000',
      control_url: null,
      embedded: false,
      endpoints: {
        register: { value: '/agent/register', form: 'relative', url: 'http://127.0.0.1:4000/agent/register' },
      },
    },
    seed: 42,
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:00:01.000Z',
    duration_ms: 1000,
    options: {
      only: [],
      skip: [],
      strict: false,
      timeout_ms: 5000,
      check_timeout_ms: 30000,
      concurrency: 4,
      formats: ['json', 'junit', 'html', 'md'],
      baseline: null,
      profile: null,
      headers: [],
      record_exchanges: 'failures',
    },
    setup: {
      ok: true,
      notes: ['endpoints given as paths relative to the issuer: register'],
      control: null,
      profile: { sync: 'list_accounts' },
      profile_source: 'inferred',
      exchanges: [],
    },
    workarounds: [],
    summary: summarize(checks),
    checks,
    coverage: {
      catalogue: 'loaded',
      requirements: [{ id: 'AAP-4.5-STEP7', status: 'failed', checks: ['server.jwt.rejects-alg-none'] }],
      unknown_ids: [],
      counts: { passed: 0, failed: 1, warned: 0, skipped: 0, untested: 0 },
      observable_counts: { passed: 0, failed: 1, warned: 0, skipped: 0, untested: 0 },
    },
    baseline: null,
    exit_code: 1,
  };
}

function defaultChecks(): CheckResult[] {
  return [
    result(),
    result({
      id: 'server.discovery.cache-control',
      title: 'Cache',
      area: 'discovery',
      level: 'SHOULD',
      status: 'warning',
      message: 'no Cache-Control',
      exchanges: [],
    }),
    result({
      id: 'server.discovery.served',
      title: 'Served',
      area: 'discovery',
      status: 'passed',
      message: undefined,
      failure: undefined,
      notes: [],
      exchange_count: 3,
      exchanges: [],
    }),
    result({
      id: 'server.lifecycle.expire',
      title: 'Expire',
      area: 'lifecycle',
      status: 'skipped',
      message: 'server offers no control hook for expire-agent',
      exchanges: [],
    }),
    result({
      id: 'server.errors.harness',
      title: 'Oops',
      area: 'errors',
      status: 'error',
      message: 'harness error: boom',
      stack: 'Error: boom\n    at <anonymous>',
      exchanges: [],
    }),
  ];
}
