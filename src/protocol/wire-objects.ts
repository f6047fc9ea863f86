import type { z } from 'zod';
import {
  ApprovalSchema,
  CibaApprovalSchema,
  DeviceAuthorizationApprovalSchema,
  ExtensionApprovalSchema,
} from './approval.ts';
import {
  CapabilityListQuerySchema,
  CapabilityListResponseSchema,
  CapabilitySchema,
  CapabilitySummarySchema,
  DescribeCapabilityQuerySchema,
} from './capability.ts';
import { AgentAuthChallengeParamsSchema } from './challenge.ts';
import { AgentModeSchema, AgentStatusSchema, GrantStatusSchema, HostStatusSchema } from './common.ts';
import { ConstraintsSchema, ConstraintValueSchema } from './constraints.ts';
import { DirectorySearchQuerySchema, DirectorySearchResponseSchema } from './directory.ts';
import { DiscoveryDocumentSchema } from './discovery.ts';
import { ErrorResponseSchema } from './errors.ts';
import {
  ExecuteAsyncCompletedSchema,
  ExecuteAsyncFailedSchema,
  ExecuteAsyncPendingSchema,
  ExecuteAsyncResponseSchema,
  ExecuteRequestSchema,
  ExecuteResponseSchema,
  ExecuteSyncResponseSchema,
  SseEventNameSchema,
} from './execute.ts';
import {
  ActiveGrantSchema,
  CapabilityRequestItemSchema,
  CompactGrantSchema,
  DeniedGrantSchema,
  GrantSchema,
  PendingGrantSchema,
} from './grants.ts';
import {
  IntrospectActiveResponseSchema,
  IntrospectInactiveResponseSchema,
  IntrospectRequestSchema,
  IntrospectResponseSchema,
} from './introspect.ts';
import { Ed25519PublicJwkSchema, JwksSchema, PublicJwkSchema } from './jwk.ts';
import {
  AgentJwtClaimsSchema,
  AgentJwtHeaderSchema,
  HostJwtClaimsSchema,
  HostJwtHeaderSchema,
  HostJwtRegistrationClaimsSchema,
  SignJwtInputSchema,
  SignJwtResultSchema,
} from './jwt.ts';
import {
  ReactivateRequestSchema,
  ReactivateResponseSchema,
  RevokeHostResponseSchema,
  RevokeRequestSchema,
  RevokeResponseSchema,
  RotateAgentKeyRequestSchema,
  RotateAgentKeyResponseSchema,
  RotateHostKeyRequestSchema,
  RotateHostKeyResponseSchema,
  StatusQuerySchema,
  StatusResponseSchema,
} from './lifecycle.ts';
import { RegisterRequestSchema, RegisterResponseSchema } from './registration.ts';
import { RequestCapabilityRequestSchema, RequestCapabilityResponseSchema } from './request-capability.ts';

export interface WireObject {
  /** Kebab-case name; the JSON Schema is written to `<name>.json`. */
  readonly name: string;
  readonly title: string;
  /** Spec section(s) defining the object, e.g. "5.3". */
  readonly section: string;
  readonly schema: z.ZodType;
}

/** Every wire object of the protocol; the source of the generated JSON Schemas. */
export const WIRE_OBJECTS: readonly WireObject[] = [
  { name: 'agent-mode', title: 'AgentMode', section: '2.2', schema: AgentModeSchema },
  { name: 'agent-status', title: 'AgentStatus', section: '2.3', schema: AgentStatusSchema },
  { name: 'host-status', title: 'HostStatus', section: '2.11', schema: HostStatusSchema },
  { name: 'grant-status', title: 'GrantStatus', section: '3.3', schema: GrantStatusSchema },
  { name: 'capability-summary', title: 'CapabilitySummary', section: '2.12', schema: CapabilitySummarySchema },
  { name: 'capability', title: 'Capability', section: '2.12', schema: CapabilitySchema },
  { name: 'constraint-value', title: 'ConstraintValue', section: '2.13', schema: ConstraintValueSchema },
  { name: 'constraints', title: 'Constraints', section: '2.13', schema: ConstraintsSchema },
  { name: 'ed25519-public-jwk', title: 'Ed25519PublicJwk', section: '4.1', schema: Ed25519PublicJwkSchema },
  { name: 'public-jwk', title: 'PublicJwk', section: '4.1', schema: PublicJwkSchema },
  { name: 'jwks', title: 'Jwks', section: '4.1', schema: JwksSchema },
  { name: 'host-jwt-header', title: 'HostJwtHeader', section: '4.2', schema: HostJwtHeaderSchema },
  { name: 'host-jwt-claims', title: 'HostJwtClaims', section: '4.2', schema: HostJwtClaimsSchema },
  {
    name: 'host-jwt-registration-claims',
    title: 'HostJwtRegistrationClaims',
    section: '4.2',
    schema: HostJwtRegistrationClaimsSchema,
  },
  { name: 'agent-jwt-header', title: 'AgentJwtHeader', section: '4.3', schema: AgentJwtHeaderSchema },
  { name: 'agent-jwt-claims', title: 'AgentJwtClaims', section: '4.3', schema: AgentJwtClaimsSchema },
  { name: 'discovery-document', title: 'DiscoveryDocument', section: '5.1', schema: DiscoveryDocumentSchema },
  { name: 'capability-list-query', title: 'CapabilityListQuery', section: '5.2', schema: CapabilityListQuerySchema },
  {
    name: 'capability-list-response',
    title: 'CapabilityListResponse',
    section: '5.2',
    schema: CapabilityListResponseSchema,
  },
  {
    name: 'describe-capability-query',
    title: 'DescribeCapabilityQuery',
    section: '5.2.1',
    schema: DescribeCapabilityQuerySchema,
  },
  {
    name: 'capability-request-item',
    title: 'CapabilityRequestItem',
    section: '5.3',
    schema: CapabilityRequestItemSchema,
  },
  { name: 'register-request', title: 'RegisterRequest', section: '5.3', schema: RegisterRequestSchema },
  { name: 'register-response', title: 'RegisterResponse', section: '5.3', schema: RegisterResponseSchema },
  { name: 'active-grant', title: 'ActiveGrant', section: '5.3', schema: ActiveGrantSchema },
  { name: 'pending-grant', title: 'PendingGrant', section: '5.3', schema: PendingGrantSchema },
  { name: 'denied-grant', title: 'DeniedGrant', section: '5.5', schema: DeniedGrantSchema },
  { name: 'grant', title: 'Grant', section: '5.3', schema: GrantSchema },
  {
    name: 'request-capability-request',
    title: 'RequestCapabilityRequest',
    section: '5.4',
    schema: RequestCapabilityRequestSchema,
  },
  {
    name: 'request-capability-response',
    title: 'RequestCapabilityResponse',
    section: '5.4',
    schema: RequestCapabilityResponseSchema,
  },
  { name: 'status-query', title: 'StatusQuery', section: '5.5', schema: StatusQuerySchema },
  { name: 'status-response', title: 'StatusResponse', section: '5.5', schema: StatusResponseSchema },
  { name: 'reactivate-request', title: 'ReactivateRequest', section: '5.6', schema: ReactivateRequestSchema },
  { name: 'reactivate-response', title: 'ReactivateResponse', section: '5.6', schema: ReactivateResponseSchema },
  { name: 'revoke-request', title: 'RevokeRequest', section: '5.7', schema: RevokeRequestSchema },
  { name: 'revoke-response', title: 'RevokeResponse', section: '5.7', schema: RevokeResponseSchema },
  {
    name: 'rotate-agent-key-request',
    title: 'RotateAgentKeyRequest',
    section: '5.8',
    schema: RotateAgentKeyRequestSchema,
  },
  {
    name: 'rotate-agent-key-response',
    title: 'RotateAgentKeyResponse',
    section: '5.8',
    schema: RotateAgentKeyResponseSchema,
  },
  {
    name: 'rotate-host-key-request',
    title: 'RotateHostKeyRequest',
    section: '5.9',
    schema: RotateHostKeyRequestSchema,
  },
  {
    name: 'rotate-host-key-response',
    title: 'RotateHostKeyResponse',
    section: '5.9',
    schema: RotateHostKeyResponseSchema,
  },
  { name: 'revoke-host-response', title: 'RevokeHostResponse', section: '5.10', schema: RevokeHostResponseSchema },
  { name: 'execute-request', title: 'ExecuteRequest', section: '5.11', schema: ExecuteRequestSchema },
  { name: 'execute-sync-response', title: 'ExecuteSyncResponse', section: '5.11', schema: ExecuteSyncResponseSchema },
  { name: 'execute-async-pending', title: 'ExecuteAsyncPending', section: '5.11', schema: ExecuteAsyncPendingSchema },
  {
    name: 'execute-async-completed',
    title: 'ExecuteAsyncCompleted',
    section: '5.11',
    schema: ExecuteAsyncCompletedSchema,
  },
  { name: 'execute-async-failed', title: 'ExecuteAsyncFailed', section: '5.11', schema: ExecuteAsyncFailedSchema },
  {
    name: 'execute-async-response',
    title: 'ExecuteAsyncResponse',
    section: '5.11',
    schema: ExecuteAsyncResponseSchema,
  },
  { name: 'execute-response', title: 'ExecuteResponse', section: '5.11', schema: ExecuteResponseSchema },
  { name: 'sse-event-name', title: 'SseEventName', section: '5.11', schema: SseEventNameSchema },
  { name: 'introspect-request', title: 'IntrospectRequest', section: '5.12', schema: IntrospectRequestSchema },
  {
    name: 'introspect-active-response',
    title: 'IntrospectActiveResponse',
    section: '5.12',
    schema: IntrospectActiveResponseSchema,
  },
  {
    name: 'introspect-inactive-response',
    title: 'IntrospectInactiveResponse',
    section: '5.12',
    schema: IntrospectInactiveResponseSchema,
  },
  { name: 'introspect-response', title: 'IntrospectResponse', section: '5.12', schema: IntrospectResponseSchema },
  { name: 'compact-grant', title: 'CompactGrant', section: '5.12', schema: CompactGrantSchema },
  { name: 'error-response', title: 'ErrorResponse', section: '5.13', schema: ErrorResponseSchema },
  {
    name: 'agent-auth-challenge-params',
    title: 'AgentAuthChallengeParams',
    section: '5.14',
    schema: AgentAuthChallengeParamsSchema,
  },
  { name: 'sign-jwt-input', title: 'SignJwtInput', section: '6.5', schema: SignJwtInputSchema },
  { name: 'sign-jwt-result', title: 'SignJwtResult', section: '6.5', schema: SignJwtResultSchema },
  {
    name: 'directory-search-query',
    title: 'DirectorySearchQuery',
    section: '6.11',
    schema: DirectorySearchQuerySchema,
  },
  {
    name: 'directory-search-response',
    title: 'DirectorySearchResponse',
    section: '6.11',
    schema: DirectorySearchResponseSchema,
  },
  { name: 'approval', title: 'Approval', section: '7', schema: ApprovalSchema },
  {
    name: 'device-authorization-approval',
    title: 'DeviceAuthorizationApproval',
    section: '7.1',
    schema: DeviceAuthorizationApprovalSchema,
  },
  { name: 'ciba-approval', title: 'CibaApproval', section: '7.2', schema: CibaApprovalSchema },
  { name: 'extension-approval', title: 'ExtensionApproval', section: '10.10.3', schema: ExtensionApprovalSchema },
];
