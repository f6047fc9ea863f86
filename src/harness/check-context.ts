import { z } from 'zod';
import type { DiscoveryDocument } from '../protocol/index.ts';
import type { CapabilityRole, CheckContext } from './check.ts';
import type { ProtocolClient } from './protocol-client/index.ts';
import type { ControlClient } from './control-client.ts';
import { describeExchange, type Exchange } from '../model/index.ts';
import type { HttpResult } from './http-driver.ts';
import { JwksHost } from './jwks-host.ts';
import type { FailureDetail } from '../model/index.ts';
import { failureOf, NotApplicable, Skip, Tolerated } from './outcome.ts';
import { capabilityForRole, missingRoleReason, type TargetProfile } from './target-profile.ts';

export interface ContextParts {
  checkId: string;
  discovery: DiscoveryDocument;
  client: ProtocolClient;
  control: ControlClient | undefined;
  profile: TargetProfile;
  seed: number;
  exchanges: readonly Exchange[];
}

const BODY_EXCERPT = 300;

function oneOf<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? value : [value as T];
}

function excerpt(result: HttpResult): string {
  const body = result.body.length > BODY_EXCERPT ? `${result.body.slice(0, BODY_EXCERPT)}…` : result.body;
  return body === '' ? '(empty body)' : `body: ${body}`;
}

/** One value as is, several as a list: how expected values read best in a report. */
function unwrap<T>(values: readonly T[]): T | readonly T[] {
  return values.length === 1 ? (values[0] as T) : values;
}

/** What came back, as a failure's `observed`: the status and error code, or the transport failure. */
function observedAnswer(result: HttpResult): Record<string, unknown> {
  if (result.error) return { transport_error: result.error.kind, message: result.error.message };
  const observed: Record<string, unknown> = { status: result.status };
  const code: unknown = result.json?.error;
  if (typeof code === 'string') observed.error = code;
  return observed;
}

/** The CheckContext handed to a check's `run`; collects notes for the result. */
export class RunningCheck implements CheckContext {
  readonly notes: string[] = [];
  readonly checkId: string;
  readonly discovery: DiscoveryDocument;
  readonly client: ProtocolClient;
  readonly control: ControlClient | undefined;
  readonly profile: TargetProfile;
  readonly seed: number;
  readonly exchanges: readonly Exchange[];
  readonly jwks = new JwksHost();

  constructor(parts: ContextParts) {
    this.checkId = parts.checkId;
    this.discovery = parts.discovery;
    this.client = parts.client;
    this.control = parts.control;
    this.profile = parts.profile;
    this.seed = parts.seed;
    this.exchanges = parts.exchanges;
  }

  fail(message: string, detail?: FailureDetail): never {
    throw failureOf(message, detail);
  }

  expect(condition: unknown, message: string, detail?: FailureDetail): asserts condition {
    if (!condition) throw failureOf(message, detail);
  }

  tolerated(message: string, detail?: FailureDetail): never {
    throw new Tolerated(message, detail);
  }

  skip(reason: string): never {
    throw new Skip(reason);
  }

  notApplicable(reason: string): never {
    throw new NotApplicable(reason);
  }

  capability(role: CapabilityRole): string {
    return capabilityForRole(this.profile, role) ?? this.notApplicable(missingRoleReason(role));
  }

  note(message: string): void {
    this.notes.push(message);
  }

  expectStatus(result: HttpResult, expected: number | readonly number[], what?: string): void {
    const allowed = oneOf(expected);
    const subject = what ?? result.exchange.label ?? 'request';
    const detail = {
      expected: { status: unwrap(allowed) },
      observed: observedAnswer(result),
      exchange: result.exchange.seq,
    };
    if (result.error) {
      this.fail(
        `${subject}: expected HTTP ${allowed.join(' or ')}, but the request failed (${describeExchange(result.exchange)})`,
        detail,
      );
    }
    if (!allowed.includes(result.status)) {
      this.fail(
        `${subject}: expected HTTP ${allowed.join(' or ')}, got ${result.status} from ${result.exchange.request.method} ${result.exchange.request.url}; ${excerpt(result)}`,
        detail,
      );
    }
  }

  expectError(
    result: HttpResult,
    status: number | readonly number[],
    code: string | readonly string[],
    what?: string,
  ): void {
    const codes = oneOf(code);
    const subject = what ?? result.exchange.label ?? 'request';
    const expected = `HTTP ${oneOf(status).join(' or ')} with error ${codes.map((c) => `"${c}"`).join(' or ')}`;
    const detail = {
      expected: { status: unwrap(oneOf(status)), error: unwrap(codes) },
      observed: observedAnswer(result),
      exchange: result.exchange.seq,
    };
    if (result.error)
      this.fail(
        `${subject}: expected ${expected}, but the request failed (${describeExchange(result.exchange)})`,
        detail,
      );
    const actualCode: unknown = result.json?.error;
    if (!oneOf(status).includes(result.status) || typeof actualCode !== 'string' || !codes.includes(actualCode)) {
      const got =
        typeof actualCode === 'string'
          ? `${result.status} with error "${actualCode}"`
          : `${result.status}; ${excerpt(result)}`;
      this.fail(`${subject}: expected ${expected}, got ${got}`, detail);
    }
    if (typeof result.json?.message !== 'string') {
      this.note(`${subject}: the error response has no string "message" (§5.13 error format)`);
    }
  }

  expectJson<T>(result: HttpResult, schema: z.ZodType<T>, what?: string): T {
    const subject = what ?? result.exchange.label ?? 'response';
    const exchange = result.exchange.seq;
    const expected = 'a JSON body of the expected shape';
    if (result.error) {
      this.fail(`${subject}: no response to validate (${describeExchange(result.exchange)})`, {
        expected,
        observed: observedAnswer(result),
        exchange,
      });
    }
    if (result.json === undefined)
      this.fail(`${subject}: the body is not JSON; ${excerpt(result)}`, {
        expected,
        observed: 'a body that is not JSON',
        exchange,
      });
    const parsed = schema.safeParse(result.json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      }));
      this.fail(`${subject}: the body does not match the expected shape:\n${z.prettifyError(parsed.error)}`, {
        expected,
        observed: { issues },
        exchange,
      });
    }
    return parsed.data;
  }
}
