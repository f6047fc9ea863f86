import type { CheckResult, ExchangeRecording } from '../model/index.ts';
import type { ReportFormat } from '../reports/write.ts';

/** Choices both suites offer, as the `server` and `client` commands do. "Check" is a server check or a client scenario. */
export interface SuiteRunOptions {
  /** Run only checks whose id matches one of these globs (e.g. `server.discovery.*`). */
  only?: readonly string[];
  /** Leave out checks whose id matches one of these globs. */
  skip?: readonly string[];
  /** Score SHOULD failures as failures. */
  strict?: boolean;
  /** Seed for anything random (default: random; the report records it). */
  seed?: number;
  /** Path of a JSON file of expected failures. */
  baseline?: string;
  /** Which checks keep their exchanges in the report (default `failures`). */
  recordExchanges?: ExchangeRecording;
  /** Write the reports into this directory (nothing is written without it). */
  out?: string;
  /** Report formats written to `out` (default: all). */
  formats?: readonly ReportFormat[];
  /** Called with each finished check. */
  onResult?: (result: CheckResult) => void;
}

/** The seed of a run: the one given, or a random one the report records so the run can be repeated. */
export function runSeed(options: SuiteRunOptions): number {
  return options.seed ?? Math.floor(Math.random() * 2 ** 31);
}
