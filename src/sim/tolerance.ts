/**
 * Verification steps the simulator can be told to let through when it certifies clients. A token
 * that fails only these still names the key that signed it, so the request can be served and the
 * deviation reported, instead of one slip stopping a whole client scenario at its first request.
 * A bad signature or an unknown key is never tolerated: nobody can be shown to have sent that token.
 *
 * - `typ`: the header `typ` is not the one the endpoint requires (§4.2, §4.3).
 * - `aud`: `aud` is missing or names another audience (§4.3, §4.5 step 3).
 * - `lifetime`: the token is used after its `exp` plus the clock skew (§8.2).
 * - `iat-future`: `iat` lies more than the skew ahead, though at most TOLERATED_IAT_AHEAD_SECONDS.
 * - `jti-missing`, `jti-replay`: `jti` is absent, or was used before (§4.6).
 * - `iss`: a host JWT's `iss` is not the thumbprint of the inline key that signed it, or an agent
 *   JWT's `iss` names no host while `sub` names a known agent; the signing key (or the agent's host)
 *   identifies the sender instead (§4.2, §4.3).
 */
export const TOLERABLE_STEPS = ['typ', 'aud', 'lifetime', 'iat-future', 'jti-missing', 'jti-replay', 'iss'] as const;
export type ToleratedStep = (typeof TOLERABLE_STEPS)[number];

/** A client clock running up to five minutes fast is a slip; further ahead is refused as usual. */
export const TOLERATED_IAT_AHEAD_SECONDS = 300;

/** True when the failed `step` is to be let through; each use is reported to the options' callback. */
// Typed by what it reads, not by SimContext, so options.ts can name ToleratedStep without an import cycle.
export function tolerates(
  ctx: { options: { tolerate: ReadonlySet<ToleratedStep>; onTolerated?: ((step: ToleratedStep) => void) | undefined } },
  step: ToleratedStep,
): boolean {
  if (!ctx.options.tolerate.has(step)) return false;
  ctx.options.onTolerated?.(step);
  return true;
}
