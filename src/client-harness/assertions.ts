import type { FailureDetail } from '../model/index.ts';
import type { ObservedRequest } from '../sim/client-mode/index.ts';
import { requestValue, selectRequests } from './observed.ts';
import { readPath } from './paths.ts';
import type { Assertion, Matcher } from './scenario.ts';
import { resolveTemplates, type Lookup } from './templates.ts';

/** What a scenario's assertions are judged on once its steps ran. */
export interface Evidence {
  requests: readonly ObservedRequest[];
  /** Results of labelled calls: ok, the parsed JSON (or text) and everything surfaced while it ran. */
  calls: ReadonlyMap<string, CallEvidence>;
  /** When each labelled step started (ms since the scenario started, the simulator's time base). */
  stepStarts: ReadonlyMap<string, number>;
  lookup: Lookup;
}

export interface CallEvidence {
  ok: boolean;
  /** The result's JSON, or its text when it is not JSON. */
  value: unknown;
  text: string;
  /** Log messages, progress and other output the client produced while the call ran. */
  surfaced: string;
}

export interface AssertionFailure {
  message: string;
  detail: FailureDetail;
}

/** Lenience for timer jitter on lower bounds of spacing. */
const SPACING_TOLERANCE_MS = 50;

function show(value: unknown): string {
  if (value === undefined) return 'absent';
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

/** Whether `value` satisfies `matcher`, and the matcher in words for messages. */
export function matches(
  value: unknown,
  matcher: Matcher,
  lookup: Lookup,
  sibling?: (path: string) => unknown,
): { ok: boolean; expected: unknown } {
  if ('samePathAs' in matcher) {
    const other = sibling?.(matcher.samePathAs);
    return {
      ok: other !== undefined && JSON.stringify(value) === JSON.stringify(other),
      expected: { same_as: matcher.samePathAs, value: other ?? null },
    };
  }
  if ('notSamePathAs' in matcher) {
    const other = sibling === undefined ? undefined : sibling(matcher.notSamePathAs);
    return {
      ok: sibling !== undefined && JSON.stringify(value) !== JSON.stringify(other),
      expected: { different_from: matcher.notSamePathAs, value: other ?? null },
    };
  }
  const resolved = resolveTemplates(matcher, lookup) as Matcher;
  if ('eq' in resolved) return { ok: JSON.stringify(value) === JSON.stringify(resolved.eq), expected: resolved.eq };
  if ('notEq' in resolved)
    return { ok: JSON.stringify(value) !== JSON.stringify(resolved.notEq), expected: { not: resolved.notEq } };
  if ('in' in resolved) {
    return {
      ok: resolved.in.some((option) => JSON.stringify(option) === JSON.stringify(value)),
      expected: { one_of: resolved.in },
    };
  }
  if ('present' in resolved) return { ok: value !== undefined && value !== null, expected: 'present' };
  if ('absent' in resolved) return { ok: value === undefined, expected: 'absent' };
  if ('samePathAs' in resolved || 'notSamePathAs' in resolved)
    return { ok: false, expected: 'a request to compare with' };
  if ('lte' in resolved)
    return { ok: typeof value === 'number' && value <= resolved.lte, expected: { at_most: resolved.lte } };
  if ('gte' in resolved)
    return { ok: typeof value === 'number' && value >= resolved.gte, expected: { at_least: resolved.gte } };
  return {
    ok: typeof value === 'string' && new RegExp(resolved.matches).test(value),
    expected: { matching: resolved.matches },
  };
}

/** A JWK-like object (one with `kty`) carrying the private member `d`, anywhere in a JSON value. */
export function findPrivateKey(value: unknown, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findPrivateKey(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if ('kty' in value && 'd' in value) return path === '' ? '(the value itself)' : path;
  for (const [key, member] of Object.entries(value)) {
    const found = findPrivateKey(member, path === '' ? key : `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function jsonOrUndefined(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function callOf(evidence: Evidence, label: string): CallEvidence | AssertionFailure {
  const call = evidence.calls.get(label);
  if (call !== undefined) return call;
  return {
    message: `no call labelled "${label}" ran`,
    detail: { expected: `a result of call ${label}`, observed: 'none' },
  };
}

/** Judges one assertion; undefined when it holds. */
export function judge(assertion: Assertion, evidence: Evidence): AssertionFailure | undefined {
  const subject = assertion.because;
  if ('noPrivateKeyMaterial' in assertion) {
    for (const request of evidence.requests) {
      const where =
        findPrivateKey(jsonOrUndefined(request.body)) ??
        findPrivateKey(request.jwt?.header) ??
        findPrivateKey(request.jwt?.claims);
      if (where !== undefined) {
        return {
          message: `${subject}: request #${request.seq} (${request.method} ${request.url}) carries private key material at ${where}`,
          detail: {
            expected: 'no JWK with a private "d" member',
            observed: { request: request.seq, at: where },
            exchange: request.seq,
          },
        };
      }
    }
    for (const [label, call] of evidence.calls) {
      const where = findPrivateKey(call.value) ?? findPrivateKey(jsonOrUndefined(call.surfaced));
      if (where !== undefined) {
        return {
          message: `${subject}: the result of call ${label} carries private key material at ${where}`,
          detail: { expected: 'no private key', observed: { call: label, at: where } },
        };
      }
    }
    return undefined;
  }
  if ('call' in assertion) {
    const call = callOf(evidence, assertion.call);
    if ('detail' in call) return { ...call, message: `${subject}: ${call.message}` };
    if ('ok' in assertion) {
      if (call.ok === assertion.ok) return undefined;
      const observed = call.ok ? 'a successful result' : `a tool error: ${call.text.slice(0, 300)}`;
      return {
        message: `${subject}: expected the call to ${assertion.ok ? 'succeed' : 'fail'}, got ${observed}`,
        detail: {
          expected: assertion.ok ? 'success' : 'a tool error',
          observed: call.ok ? call.value : { error: call.text.slice(0, 300) },
        },
      };
    }
    if ('path' in assertion) {
      // A path may name things by placeholder, e.g. `capabilities[name=${cap.sync}].grant_status`.
      const path = String(resolveTemplates(assertion.path, evidence.lookup));
      const value = readPath(call.value, path);
      const verdict = matches(value, assertion.is, evidence.lookup);
      if (verdict.ok) return undefined;
      return {
        message: `${subject}: result field ${path} is ${show(value)}, expected ${show(verdict.expected)}`,
        detail: { expected: { [path]: verdict.expected }, observed: { [path]: value ?? null } },
      };
    }
    if ('notMentions' in assertion) {
      const unwanted = String(resolveTemplates(assertion.notMentions, evidence.lookup));
      const shown = `${call.text}\n${call.surfaced}`;
      const at = shown.indexOf(unwanted);
      if (at < 0) return undefined;
      return {
        message: `${subject}: the result or the output surfaced during the call mentions ${show(unwanted)}`,
        detail: { expected: { notMentions: unwanted }, observed: shown.slice(Math.max(0, at - 200), at + 300) },
      };
    }
    const wanted = String(resolveTemplates(assertion.mentions, evidence.lookup));
    const haystack =
      assertion.where === 'result'
        ? call.text
        : assertion.where === 'interim'
          ? call.surfaced
          : `${call.text}\n${call.surfaced}`;
    if (haystack.includes(wanted)) return undefined;
    const searched =
      assertion.where === 'result'
        ? 'result does'
        : assertion.where === 'interim'
          ? 'output surfaced while the call ran does'
          : 'result and the output surfaced during the call do';
    return {
      message: `${subject}: the ${searched} not mention ${show(wanted)}`,
      detail: { expected: { mentions: wanted }, observed: haystack.slice(0, 500) },
    };
  }
  if ('firstRequest' in assertion) {
    const first = evidence.requests[0];
    if (first !== undefined && selectRequests([first], assertion.firstRequest, evidence.stepStarts).length === 1)
      return undefined;
    return {
      message: `${subject}: the first request was ${first ? `#${first.seq} ${first.method} ${first.url} (${first.endpoint})` : 'never sent'}`,
      detail: {
        expected: { first_request: assertion.firstRequest },
        observed: first ? { endpoint: first.endpoint, url: first.url } : 'no request',
        ...(first ? { exchange: first.seq } : {}),
      },
    };
  }
  const selected = selectRequests(evidence.requests, assertion.requests, evidence.stepStarts);
  if ('count' in assertion) {
    const { min, max } = assertion.count;
    if ((min === undefined || selected.length >= min) && (max === undefined || selected.length <= max))
      return undefined;
    const range = min === max ? `${min}` : `${min ?? 0}..${max ?? '∞'}`;
    const offending = max !== undefined && selected.length > max ? selected[max] : undefined;
    const detail: FailureDetail = { expected: { requests: range }, observed: { requests: selected.length } };
    if (offending) detail.exchange = offending.seq;
    return { message: `${subject}: expected ${range} matching request(s), saw ${selected.length}`, detail };
  }
  if ('every' in assertion) {
    const path = String(resolveTemplates(assertion.every, evidence.lookup));
    for (const request of selected) {
      const value = requestValue(request, path);
      const verdict = matches(value, assertion.is, evidence.lookup, (path) => requestValue(request, path));
      if (!verdict.ok) {
        return {
          message: `${subject}: request #${request.seq} (${request.method} ${request.url}) has ${path} = ${show(value)}, expected ${show(verdict.expected)}`,
          detail: {
            expected: { [path]: verdict.expected },
            observed: { [path]: value ?? null },
            exchange: request.seq,
          },
        };
      }
    }
    return undefined;
  }
  if ('same' in assertion) return judgeSame(assertion, selected, subject);
  if ('distinct' in assertion) {
    const seen = new Map<string, number>();
    for (const request of selected) {
      const value = requestValue(request, assertion.distinct);
      if (value === undefined) continue;
      const key = JSON.stringify(value);
      const first = seen.get(key);
      if (first !== undefined) {
        return {
          message: `${subject}: requests #${first} and #${request.seq} share ${assertion.distinct} = ${show(value)}`,
          detail: {
            expected: `a different ${assertion.distinct} on every request`,
            observed: { [assertion.distinct]: value, requests: [first, request.seq] },
            exchange: request.seq,
          },
        };
      }
      seen.set(key, request.seq);
    }
    return undefined;
  }
  const minimum = Number(resolveTemplates(assertion.spacingMs, evidence.lookup));
  for (let i = 1; i < selected.length; i += 1) {
    const previous = selected[i - 1] as ObservedRequest;
    const current = selected[i] as ObservedRequest;
    const gap = current.at - previous.at;
    if (gap + SPACING_TOLERANCE_MS < minimum) {
      return {
        message: `${subject}: requests #${previous.seq} and #${current.seq} came ${Math.round(gap)} ms apart, expected at least ${minimum} ms`,
        detail: { expected: { min_gap_ms: minimum }, observed: { gap_ms: Math.round(gap) }, exchange: current.seq },
      };
    }
  }
  return undefined;
}

/** Every selected request has the same value at `same`, compared within groups sharing the value at `per`. */
function judgeSame(
  assertion: { same: string; per?: string },
  selected: readonly ObservedRequest[],
  subject: string,
): AssertionFailure | undefined {
  const first = new Map<string, ObservedRequest>();
  for (const request of selected) {
    const group = assertion.per === undefined ? '' : JSON.stringify(requestValue(request, assertion.per) ?? null);
    const earlier = first.get(group);
    if (earlier === undefined) {
      first.set(group, request);
      continue;
    }
    const was = requestValue(earlier, assertion.same);
    const now = requestValue(request, assertion.same);
    if (JSON.stringify(was ?? null) === JSON.stringify(now ?? null)) continue;
    return {
      message: `${subject}: request #${earlier.seq} has ${assertion.same} = ${show(was)} but request #${request.seq} has ${show(now)}`,
      detail: {
        expected: `one ${assertion.same}${assertion.per === undefined ? '' : ` per ${assertion.per}`}`,
        observed: { [assertion.same]: [was ?? null, now ?? null], requests: [earlier.seq, request.seq] },
        exchange: request.seq,
      },
    };
  }
  return undefined;
}
