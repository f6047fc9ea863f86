/**
 * The library entry point (`import … from 'agent-auth-conformance'`): run the server suite against a
 * URL or the built-in simulator, run the client suite against a client, start and stop the simulator,
 * and read or write the report. The CLI commands are built on the same functions. Everything else
 * under src/ is internal and may change between versions.
 */
export {
  ConformanceOptionsError,
  runServerSuite,
  type ServerSuiteOptions,
} from './api/server-suite.ts';
export { runClientSuite, type ClientSuiteOptions, type ClientUnderTest } from './api/client-suite.ts';
export type { SuiteRunOptions } from './api/run-options.ts';
export { startSimulator, type Simulator } from './api/simulator.ts';
export type { SimulatorOptions, FaultName } from './sim/index.ts';
export { FAULT_NAMES } from './sim/index.ts';
export type { TargetProfile } from './harness/target-profile.ts';
export type {
  Adapter,
  AdapterContext,
  AdapterFactory,
  AdapterTool,
  ToolMapping,
} from './client-harness/drivers/index.ts';
export { REPORT_FORMATS, renderReports, writeReports, type ReportFormat } from './reports/write.ts';
export {
  CHECK_STATUSES,
  ReportSchema,
  type CheckResult,
  type CheckStatus,
  type ClientReport,
  type Report,
  type ServerReport,
  type Summary,
} from './model/index.ts';
