import type { HttpBindings } from '@hono/node-server';
import { decodeJwtUnverified } from '../../jose/index.ts';
import type { ControlOperations } from '../control-routes.ts';
import type { FetchHandler } from '../listen.ts';
import { MAX_BODY_BYTES } from '../options.ts';
import { headersToRecord } from '../recorder.ts';
import type { SimContext } from '../sim-context.ts';
import type { AgentRecord } from '../store.ts';
import { expireApprovals } from './approval-expiry.ts';
import { concerned, latestAgent, targetOf, type RequestFacts } from './attribution.ts';
import { discoveryAnswer } from './discovery.ts';
import { routeOf, type ListenerName, type Route, type SimEndpoint } from './endpoints.ts';
import type { ClientScenarioKnobs } from './knobs.ts';
import { MAX_RECORDED_BODY_BYTES, type ObservationLog, type ObservedRequest } from './observations.ts';
import { perform, type ClientModeAction, type OperatorNote } from './operator.ts';
import { fixedAnswerFor, slowDownAnswer } from './scripted-answers.ts';
import type { ToleranceNotes } from './tolerance-notes.ts';
import { firedBy, type Trigger } from './triggers.ts';

/** An agent as the simulator knows it, for the harness's assertions. */
export interface AgentSummary {
  id: string;
  hostId: string;
  /** The host's current identifier: the thumbprint of its signing key. */
  hostThumbprint: string;
  /** `deleted` once a never-approved registration lapsed (approval-expiry.ts). */
  status: string;
  /** RFC 7638 thumbprint of the agent's inline key; `jwks:<url>#<kid>` for a JWKS-keyed agent. */
  keyThumbprint: string;
}

export interface PipelineSetup {
  ctx: SimContext;
  operations: ControlOperations;
  knobs: ClientScenarioKnobs;
  triggers: readonly Trigger[];
  log: ObservationLog;
  notes: ToleranceNotes;
  /** performance.now() at scenario start. */
  startedAt: number;
  /** Origins of the scenario's listeners, for `{foreign}` and `{sim}` in fixed answers' headers. */
  origins: { sim: string; foreign: string };
}

/**
 * What every request of every listener goes through in client-observe mode: counted, read (within
 * the body limit), approvals past their lifetime lapsed, triggers fired, answered (a scripted
 * answer, the scenario's discovery document, or the listener's app with tolerance on), triggers
 * fired again after the answer, and recorded with its answer.
 */
export class ClientModePipeline {
  private seq = 0;
  private readonly ordinals = new Map<SimEndpoint | 'other', number>();
  private readonly statusPolls = new Map<string, number>();
  private readonly latestApprovals = new Map<string, Record<string, unknown>>();
  private readonly deleted: AgentSummary[] = [];

  constructor(private readonly setup: PipelineSetup) {}

  /** The handler of `listener`, putting each request through the pipeline before `app`. */
  handler(listener: ListenerName, app: FetchHandler): FetchHandler {
    return (request, env) => this.handle(listener, app, request, env);
  }

  /** An operator action now, on `agentId` or else the most recently registered agent. */
  act(action: ClientModeAction, agentId: string | undefined): OperatorNote {
    const { ctx, operations } = this.setup;
    this.expireApprovals();
    const agent = agentId === undefined ? latestAgent(ctx) : ctx.store.agents.get(agentId);
    return perform(ctx, operations, action, agent === undefined ? {} : targetOf(ctx, agent));
  }

  approvals(): ReadonlyMap<string, Record<string, unknown>> {
    return new Map(this.latestApprovals);
  }

  agents(): readonly AgentSummary[] {
    this.expireApprovals();
    return [
      ...[...this.setup.ctx.store.agents.values()].map((agent) => this.summary(agent, agent.status)),
      ...this.deleted,
    ];
  }

  private async handle(
    listener: ListenerName,
    app: FetchHandler,
    request: Request,
    env: HttpBindings,
  ): Promise<Response> {
    const { log, startedAt } = this.setup;
    // Everything ordinal is taken before the first await, so it follows arrival order.
    const at = performance.now() - startedAt;
    const seq = ++this.seq;
    const url = new URL(request.url);
    const route = routeOf(listener, url.pathname, this.setup.knobs.issuerPath);
    const endpoint = route.endpoint;
    const ordinal = this.count(this.ordinals, endpoint);
    const poll = endpoint === 'status' ? this.count(this.statusPolls, url.searchParams.get('agent_id') ?? '') : 0;

    const received = await readBody(request);
    const jwt = bearerJwt(request.headers.get('authorization'));
    const facts: RequestFacts = { query: url.searchParams, body: parseJson(received.bytes), claims: jwt?.claims };
    const operator: OperatorNote[] = [];
    this.expireApprovals();
    this.fire(endpoint, ordinal, 'before-answer', facts, operator);

    const scripted = this.scripted(listener, route, ordinal, poll, request.method, received.overflow);
    // The app serves the request with the issuer's path removed (endpoints.ts routeOf).
    const appUrl = new URL(url.href);
    appUrl.pathname = route.appPath ?? url.pathname;
    const { result: answered, steps } =
      scripted !== undefined
        ? { result: scripted, steps: [] }
        : await this.setup.notes.collect(async () => app(forward(request, received.bytes, appUrl.href), env));
    const { response, recorded, json } = await this.keepAnswer(answered);

    facts.answer = json;
    this.noteApproval(json);
    this.fire(endpoint, ordinal, 'after-answer', facts, operator);

    const requestBody = received.bytes === undefined ? undefined : log.keepBody(received.bytes);
    const entry: ObservedRequest = {
      seq,
      at,
      listener,
      endpoint,
      method: request.method,
      url: request.url,
      headers: headersToRecord(request.headers),
      ...(requestBody !== undefined && { body: requestBody.text }),
      ...((received.overflow || requestBody?.truncated === true) && { bodyTruncated: true as const }),
      ...(jwt !== undefined && { jwt }),
      response: recorded,
      tolerated: steps,
      ...(operator.length > 0 && { operator }),
    };
    log.add(entry);
    return response;
  }

  /**
   * A scripted answer (slow_down poll, fixed answer, 404 outside the issuer's path, the scenario's
   * discovery), or an oversized body's 413.
   */
  private scripted(
    listener: ListenerName,
    route: Route,
    ordinal: number,
    poll: number,
    method: string,
    overflow: boolean,
  ): Response | undefined {
    const { knobs, ctx } = this.setup;
    const endpoint = route.endpoint;
    if (endpoint === 'status' && (knobs.approval?.slowDownAt ?? []).includes(poll)) return slowDownAnswer();
    const fixed = fixedAnswerFor(knobs.answers ?? [], endpoint, ordinal, this.setup.origins);
    if (fixed !== undefined) return fixed;
    if (route.appPath === undefined) {
      return Response.json(
        { error: 'not_found', message: `Nothing is served at this path: it is outside the issuer ${ctx.issuer}` },
        { status: 404 },
      );
    }
    if (
      listener === 'sim' &&
      endpoint === 'discovery' &&
      knobs.discovery !== undefined &&
      (method === 'GET' || method === 'HEAD')
    ) {
      return discoveryAnswer(ctx, knobs.discovery, method);
    }
    // The simulator's own limit, answered here because the body was not kept whole.
    if (overflow) {
      return Response.json(
        { error: 'invalid_request', message: `The request body exceeds ${MAX_BODY_BYTES} bytes` },
        { status: 413 },
      );
    }
    return undefined;
  }

  /**
   * The answer to send and what to record of it. Plain answers are read whole (they are the
   * simulator's own, small); a stream is teed, and its recorded body filled in when it ends.
   */
  private async keepAnswer(
    answer: Response,
  ): Promise<{ response: Response; recorded: ObservedRequest['response']; json: unknown }> {
    const recorded: ObservedRequest['response'] = { status: answer.status, headers: headersToRecord(answer.headers) };
    if (answer.body === null) return { response: answer, recorded, json: undefined };
    const init = { status: answer.status, headers: answer.headers };
    if ((answer.headers.get('content-type') ?? '').includes('text/event-stream')) {
      const [toClient, toRecord] = answer.body.tee();
      void readStream(toRecord).then((bytes) => this.fillBody(recorded, bytes.bytes, bytes.overflow));
      return { response: new Response(watchStreamEnd(toClient, recorded), init), recorded, json: undefined };
    }
    const bytes = new Uint8Array(await answer.arrayBuffer());
    this.fillBody(recorded, bytes, false);
    return { response: new Response(bytes, init), recorded, json: parseJson(bytes) };
  }

  private fillBody(recorded: ObservedRequest['response'], bytes: Uint8Array, overflow: boolean): void {
    const kept = this.setup.log.keepBody(bytes);
    recorded.body = kept.text;
    if (overflow || kept.truncated) recorded.bodyTruncated = true;
  }

  private fire(
    endpoint: SimEndpoint | 'other',
    ordinal: number,
    moment: 'before-answer' | 'after-answer',
    facts: RequestFacts,
    notes: OperatorNote[],
  ): void {
    const { ctx, operations, triggers } = this.setup;
    for (const trigger of firedBy(triggers, endpoint, ordinal, moment)) {
      notes.push(perform(ctx, operations, trigger.do, concerned(ctx, facts)));
    }
  }

  /** Keeps the approval object of registration, capability-request and reactivation answers (§7). */
  private noteApproval(answer: unknown): void {
    if (typeof answer !== 'object' || answer === null) return;
    const { agent_id: agentId, approval } = answer as Record<string, unknown>;
    if (typeof agentId === 'string' && typeof approval === 'object' && approval !== null) {
      this.latestApprovals.set(agentId, approval as Record<string, unknown>);
    }
  }

  private expireApprovals(): void {
    expireApprovals(this.setup.ctx, (agent) => this.deleted.push(this.summary(agent, 'deleted')));
  }

  private summary(agent: AgentRecord, status: string): AgentSummary {
    const host = this.setup.ctx.store.hosts.get(agent.hostId);
    return {
      id: agent.id,
      hostId: agent.hostId,
      hostThumbprint: host?.thumbprint ?? '',
      status,
      keyThumbprint: agent.keyIdentity.startsWith('jwk:') ? agent.keyIdentity.slice('jwk:'.length) : agent.keyIdentity,
    };
  }

  private count<K>(counters: Map<K, number>, key: K): number {
    const next = (counters.get(key) ?? 0) + 1;
    counters.set(key, next);
    return next;
  }
}

/** The request body, read up to one byte past the simulator's limit. */
async function readBody(request: Request): Promise<{ bytes: Uint8Array<ArrayBuffer> | undefined; overflow: boolean }> {
  if (request.body === null) return { bytes: undefined, overflow: false };
  return readStream(request.body, MAX_BODY_BYTES);
}

/** Reads `stream` to its end, keeping at most `limit` bytes (then stops reading). */
async function readStream(
  stream: ReadableStream<Uint8Array>,
  limit = MAX_RECORDED_BODY_BYTES,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; overflow: boolean }> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let overflow = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size > limit) {
        overflow = true;
        await reader.cancel();
        break;
      }
    }
  } catch {
    // A stream cut short keeps what arrived.
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes: overflow ? bytes.subarray(0, limit) : bytes, overflow };
}

/** The request again, at `url` (where the app serves it), with the body already read, for the listener's app. */
function forward(request: Request, body: Uint8Array<ArrayBuffer> | undefined, url: string): Request {
  const bodyless = request.method === 'GET' || request.method === 'HEAD';
  return new Request(url, {
    method: request.method,
    headers: request.headers,
    body: bodyless || body === undefined ? null : body,
    signal: request.signal,
  });
}

function bearerJwt(authorization: string | null): ObservedRequest['jwt'] {
  const match = /^Bearer\s+(\S+)/i.exec(authorization ?? '');
  if (match === null) return undefined;
  const raw = match[1]!;
  return { raw, ...decodeJwtUnverified(raw) };
}

function parseJson(bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined || bytes.byteLength === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Passes a stream on to the client, noting who ended it: the server sending its last byte, or the
 * client closing the connection first (the HTTP server then cancels the body).
 */
function watchStreamEnd(
  source: ReadableStream<Uint8Array>,
  recorded: ObservedRequest['response'],
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        recorded.streamEnd ??= 'server-closed';
        controller.close();
      } else controller.enqueue(value);
    },
    async cancel(reason) {
      recorded.streamEnd ??= 'client-closed';
      await reader.cancel(reason);
    },
  });
}
