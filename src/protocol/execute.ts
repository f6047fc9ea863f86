import { z } from 'zod';
import { JsonObjectSchema, JsonValueSchema, UrlSchema } from './common.ts';
import { ErrorResponseSchema } from './errors.ts';

export const ExecuteRequestSchema = z
  .looseObject({
    capability: z.string(),
    arguments: JsonObjectSchema.optional(),
  })
  .describe('Body of POST /capability/execute, also sent to custom locations (§5.11, §2.15).');
export type ExecuteRequest = z.infer<typeof ExecuteRequestSchema>;

/** A member the response shape must not contain (§5.11); the JSON Schema form is `{"not": {}}`. */
const absent = () => z.never().optional();

export const ExecuteSyncResponseSchema = z
  .looseObject({
    data: JsonValueSchema,
    status: absent(),
    status_url: absent(),
    result: absent(),
    error: absent(),
  })
  .describe('Sync execution result (200): data only (§5.11).');
export type ExecuteSyncResponse = z.infer<typeof ExecuteSyncResponseSchema>;

export const ExecuteAsyncPendingSchema = z
  .looseObject({
    status: z.literal('pending'),
    status_url: UrlSchema,
    data: absent(),
    result: absent(),
    error: absent(),
  })
  .describe('Async execution not finished (202, or 200 when polled): status pending and status_url (§5.11).');
export type ExecuteAsyncPending = z.infer<typeof ExecuteAsyncPendingSchema>;

export const ExecuteAsyncCompletedSchema = z
  .looseObject({
    status: z.literal('completed'),
    result: JsonValueSchema,
    data: absent(),
    status_url: absent(),
    error: absent(),
  })
  .describe('Async execution finished (200): status completed and result (§5.11).');
export type ExecuteAsyncCompleted = z.infer<typeof ExecuteAsyncCompletedSchema>;

export const ExecuteAsyncFailedSchema = z
  .looseObject({
    status: z.literal('failed'),
    error: ErrorResponseSchema,
    data: absent(),
    status_url: absent(),
    result: absent(),
  })
  .describe('Async execution failed (200): status failed and an error object (§5.11, §5.13).');
export type ExecuteAsyncFailed = z.infer<typeof ExecuteAsyncFailedSchema>;

export const ExecuteAsyncResponseSchema = z
  .discriminatedUnion('status', [ExecuteAsyncPendingSchema, ExecuteAsyncCompletedSchema, ExecuteAsyncFailedSchema])
  .describe('Async execution or status_url polling response (§5.11).');
export type ExecuteAsyncResponse = z.infer<typeof ExecuteAsyncResponseSchema>;

export const ExecuteResponseSchema = z
  .union([ExecuteSyncResponseSchema, ExecuteAsyncPendingSchema, ExecuteAsyncCompletedSchema, ExecuteAsyncFailedSchema])
  .describe('Non-streaming execution response: exactly one of the four mutually exclusive shapes (§5.11).');
export type ExecuteResponse = z.infer<typeof ExecuteResponseSchema>;

/** SSE event types of streaming execution; an event without an `event:` field is a `data` event (§5.11). */
export const SseEventNameSchema = z
  .enum(['data', 'error', 'done'])
  .describe('SSE event type of streaming execution (§5.11).');
export type SseEventName = z.infer<typeof SseEventNameSchema>;
export const SSE_DEFAULT_EVENT: SseEventName = 'data';

/** The payload of an SSE `error` event is an error object (§5.11, §5.13). */
export const SseErrorEventDataSchema = ErrorResponseSchema;
