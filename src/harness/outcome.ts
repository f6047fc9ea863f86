import type { FailureDetail } from '../model/index.ts';

/**
 * Thrown to end a check with a verdict. The runner maps them to statuses: Fail by the check's level,
 * Skip → skipped, NotApplicable → not-applicable. Anything else thrown is a harness `error`.
 */
export class Fail extends Error {
  override name = 'Fail';

  constructor(
    message: string,
    /** What was expected and observed, and the exchange that shows it. */
    readonly detail?: FailureDetail,
  ) {
    super(message);
  }
}

export class Skip extends Error {
  override name = 'Skip';
}

export class NotApplicable extends Error {
  override name = 'NotApplicable';
}

/** The operator control hook misbehaved: a setup problem of the target's adapter, scored `error`. */
export class ControlError extends Error {
  override name = 'ControlError';
}
