import {
  argumentsFor,
  defineCheck,
  failureArgumentsFor,
  SseErrorEventDataSchema,
  SseEventNameSchema,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { agentWith, execute } from './fixtures.ts';

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const stream = defineCheck({
  id: 'server.execution.stream',
  title: 'A streaming execution answers 200 text/event-stream with JSON data events and a final done event',
  area: 'execution',
  requirements: ['AAP-5.11-14', 'AAP-5.11-16', 'AAP-5.11-19', 'AAP-5.11-EVENT.data', 'AAP-5.11-EVENT.done'],
  level: 'MUST',
  needs: [{ capability: 'stream' }, { control: 'approve' }],
  async run(t: CheckContext) {
    const capability = t.capability('stream');
    const agent = await agentWith(t, [capability]);
    const result = await execute(t, agent, capability);
    t.expectStatus(result, 200, `execute ${capability} (stream, §5.11)`);
    const contentType = result.headers['content-type'] ?? '';
    t.expect(
      contentType.toLowerCase().startsWith('text/event-stream'),
      `execute ${capability}: Content-Type is "${contentType}", expected text/event-stream (§5.11)`,
    );
    const response = result.exchange.response;
    const events = response?.events ?? [];
    const unknown = events.filter((event) => !SseEventNameSchema.safeParse(event.event).success);
    t.expect(
      unknown.length === 0,
      `the stream uses event types outside data, error and done (§5.11): ${unknown.map((e) => e.event).join(', ')}`,
    );
    const data = events.filter((event) => event.event === 'data');
    t.expect(
      data.length > 0,
      `the stream carried no data event before ending (§5.11); events: ${events.map((e) => e.event).join(', ') || 'none'}`,
    );
    const notJson = data.filter((event) => !isJson(event.data));
    t.expect(
      notJson.length === 0,
      `data events must carry JSON chunks (§5.11); not JSON: ${notJson.map((e) => JSON.stringify(e.data)).join(', ')}`,
    );
    const last = events[events.length - 1];
    t.expect(
      last?.event === 'done' && response?.stream_end === 'done',
      `the stream did not end with a done event (§5.11: servers always send done); last event: ${last?.event ?? 'none'}, stream end: ${response?.stream_end ?? 'unknown'}`,
    );
    t.expect(
      last.data === '' || isJson(last.data),
      `the done event's data is neither empty nor JSON (§5.11): ${JSON.stringify(last.data)}`,
    );
  },
});

const streamNeedsValidToken = defineCheck({
  id: 'server.execution.stream.requires-valid-token',
  title: 'A streaming execution is refused with 401 invalid_jwt when its opening token has a bad signature',
  area: 'execution',
  requirements: ['AAP-5.11-21', 'AAP-4.5-STEP7', 'AAP-5.13-ERR.invalid_jwt'],
  level: 'MUST',
  needs: [{ capability: 'stream' }, { control: 'approve' }],
  async run(t: CheckContext) {
    const capability = t.capability('stream');
    const agent = await agentWith(t, [capability]);
    const valid = await t.client.execute(agent, capability, argumentsFor(t.profile, capability));
    t.expectStatus(
      valid,
      200,
      `precondition: execute ${capability} with a well-formed agent JWT (otherwise the refusal below proves nothing)`,
    );
    const result = await t.client.execute(agent, capability, argumentsFor(t.profile, capability), {
      tokenOpts: { variant: 'corrupt-signature' },
    });
    const events = result.exchange.response?.events ?? [];
    t.expect(
      events.length === 0,
      `execute ${capability} with a corrupted signature opened a stream of ${events.length} event(s) (§5.11: the stream is authenticated when it opens)`,
    );
    t.expectError(
      result,
      401,
      'invalid_jwt',
      `execute ${capability} with an agent JWT whose signature has one bit flipped (§4.5 step 7, §5.13)`,
    );
  },
});

/** The event's data as JSON, or undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const streamErrorEvent = defineCheck({
  id: 'server.execution.stream.error-event',
  title: 'A streaming execution that fails emits an error event whose data is a §5.13 error object',
  area: 'execution',
  requirements: ['AAP-5.11-EVENT.error', 'AAP-5.11-16'],
  level: 'MUST',
  needs: [{ capability: 'stream' }, { control: 'approve' }],
  async run(t: CheckContext) {
    const capability = t.capability('stream');
    const args =
      failureArgumentsFor(t.profile, 'stream') ??
      t.notApplicable(
        'the target profile gives no failureArguments.stream, so no failing stream can be started: give "failureArguments": {"stream": {…}} in the --profile JSON, or in the control hook\'s fixtures',
      );
    const agent = await agentWith(t, [capability]);
    const result = await t.client.execute(agent, capability, args);
    const what = `execute ${capability} with the profile's failure arguments ${JSON.stringify(args)}`;
    t.expectStatus(result, 200, `${what} (stream, §5.11)`);
    const contentType = result.headers['content-type'] ?? '';
    t.expect(
      contentType.toLowerCase().startsWith('text/event-stream'),
      `${what}: Content-Type is "${contentType}", expected text/event-stream (§5.11)`,
    );
    const events = result.exchange.response?.events ?? [];
    const unknown = events.filter((event) => !SseEventNameSchema.safeParse(event.event).success);
    t.expect(
      unknown.length === 0,
      `${what}: the stream uses event types outside data, error and done (§5.11): ${unknown.map((e) => e.event).join(', ')}`,
    );
    const errors = events.filter((event) => event.event === 'error');
    t.expect(
      errors.length > 0,
      `${what}: expected an error event (§5.11), got events: ${events.map((e) => e.event).join(', ') || 'none'}`,
    );
    for (const event of errors) {
      const parsed = SseErrorEventDataSchema.safeParse(parseJson(event.data));
      t.expect(
        parsed.success,
        `${what}: an error event's data is not a §5.13 error object {error, message}: ${JSON.stringify(event.data)}`,
      );
    }
    const end = result.exchange.response?.stream_end;
    t.note(
      `the failing stream sent ${events.map((e) => e.event).join(', ')} and ended by ${end === 'done' ? 'a done event' : 'closing the connection'}`,
    );
  },
});

export const checks: CheckDefinition[] = [stream, streamNeedsValidToken, streamErrorEvent];
