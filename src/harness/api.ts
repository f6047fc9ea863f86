/**
 * The door for check authors: everything a file under suites/ takes from src/ comes through here,
 * so a check reads `import { defineCheck, type CheckContext, ... } from '.../src/harness/api.ts'`
 * and nothing else of the harness. Grouped by what it is for.
 */

// Defining a check, and the verdicts a check (or a helper) may throw.
export { defineCheck } from './check.ts';
export type { CapabilityRole, CheckContext, CheckDefinition, CheckNeed, FailureDetail } from './check.ts';
export { ControlError, Fail, NotApplicable, PreconditionFailed, Skip } from './outcome.ts';

// What the protocol client (t.client) deals in: identities, token knobs, request options, answers.
export type {
  AgentIdentity,
  AgentRef,
  AgentTokenOptions,
  ApprovalHints,
  Auth,
  ExecuteOptions,
  FixtureOptions,
  HostIdentity,
  HostTokenOptions,
  ProtocolClient,
  RawOptions,
  RegisterOptions,
  RegisterResult,
} from './protocol-client/index.ts';
export type { HttpResult } from './http-driver.ts';
export { describeExchange, responseJson, type Exchange } from '../model/index.ts';

// Reading answers.
export { describeAnswer, errorCode } from './answer.ts';
export { maxAge } from './cache-control.ts';

// The operator hook (t.control) and harness-served JWKS documents (t.jwks).
export type { ControlClient, ControlOperation } from './control-client.ts';
export type { JwksFetch, JwksOwner, PublishedJwks } from './jwks-host.ts';

// The target profile: which capability plays each role, and the arguments to send it.
export {
  argumentsFor,
  capabilityForRole,
  failureArgumentsFor,
  missingRoleReason,
  sampleArguments,
  type TargetProfile,
} from './target-profile.ts';

// Discovery endpoint values and execution locations.
export { defaultLocation, isAbsoluteHttpUrl, resolveEndpoint } from './endpoints.ts';

// Waiting for server state without sleeping longer than the rulings allow.
export { DECISION_POLL_DELAYS_MS, retryUntil, sleep, WITHIN_ONE_SECOND_MS } from './retry.ts';

// Property-based checks, and generators of values at and around a limit.
export { checkProperty } from './property.ts';
export { revokeCreatedSoFar } from './cleanup.ts';
export { boundaryOffset, nearBoundary, type NearBoundaryOptions } from './boundary.ts';

// Keys and JWKS documents of the identities the harness plays.
export { generateEd25519KeyPair, jwks, type Ed25519KeyPair } from '../jose/index.ts';

// The wire model (src/protocol): schemas answers are validated against, and their types.
export {
  ActiveGrantSchema,
  AGENT_AUTH_SCHEME,
  CapabilityListResponseSchema,
  CapabilitySchema,
  CibaApprovalSchema,
  ConstraintsSchema,
  DateTimeSchema,
  DeniedGrantSchema,
  DeviceAuthorizationApprovalSchema,
  DISCOVERY_PATH,
  DiscoveryDocumentSchema,
  ENDPOINT_KEYS,
  ErrorResponseSchema,
  ExecuteAsyncCompletedSchema,
  ExecuteAsyncFailedSchema,
  ExecuteAsyncPendingSchema,
  ExecuteAsyncResponseSchema,
  ExecuteSyncResponseSchema,
  ExtensionApprovalSchema,
  findAgentAuthChallenge,
  IntrospectActiveResponseSchema,
  IntrospectInactiveResponseSchema,
  isOperatorObject,
  parseWwwAuthenticate,
  PendingGrantSchema,
  ReactivateActiveResponseSchema,
  ReactivatePendingResponseSchema,
  RegisterActiveResponseSchema,
  RegisterResponseSchema,
  RequestCapabilityResponseSchema,
  RevokeHostResponseSchema,
  RevokeResponseSchema,
  RotateAgentKeyResponseSchema,
  RotateHostKeyResponseSchema,
  SseErrorEventDataSchema,
  SseEventNameSchema,
  StatusResponseSchema,
  type AgentMode,
  type Approval,
  type AuthChallenge,
  type Capability,
  type CapabilityListResponse,
  type CapabilityRequestItem,
  type ConstraintOperatorObject,
  type Constraints,
  type ConstraintValue,
  type DiscoveryDocument,
  type IntrospectActiveResponse,
  type JsonValue,
} from '../protocol/index.ts';
