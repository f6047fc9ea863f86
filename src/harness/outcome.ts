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

/**
 * A step the check relies on but does not test went wrong (registering an agent, an operator
 * approval, …). Scored `error` whatever the check's level: the failing step says nothing about the
 * check's own requirements, so it must never read as a MUST failure of them.
 */
export class PreconditionFailed extends Error {
  override name = 'PreconditionFailed';

  constructor(
    message: string,
    readonly detail?: FailureDetail,
  ) {
    super(message);
  }
}

/** Marks a check's own message as a precondition, the convention every check and fixture follows. */
export const PRECONDITION_PREFIX = 'precondition:';

/** The outcome for a failed expectation: a precondition when its message says so, else a Fail. */
export function failureOf(message: string, detail?: FailureDetail): Fail | PreconditionFailed {
  return message.startsWith(PRECONDITION_PREFIX) ? new PreconditionFailed(message, detail) : new Fail(message, detail);
}

/**
 * The target's answer is one a ruling accepts only with a warning (e.g. 401 invalid_jwt where 403
 * agent_pending is expected, RUL-STATE-ERROR-STATUS): scored `warning` whatever the check's level,
 * `failed` under --strict.
 */
export class Tolerated extends Error {
  override name = 'Tolerated';

  constructor(
    message: string,
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
