import { compactVerify, createLocalJWKSet, type JWK } from "jose";
import { orgIdOfToken } from "../lib/ids";
import { SESSION_TTL_MS } from "./lifetimes";
import { ok, refuse, type Result } from "./result";

/** Why an `id_token_hint` is not a valid hint (RP-Initiated Logout 1.0 §2): the logout then asks the user. */
export type IdTokenHintRefusal =
  "hint_malformed" | "hint_signature_invalid" | "hint_issuer_mismatch" | "hint_audience_invalid" | "hint_too_old";

/** What a valid hint names: its client (`aud`), its user and, for tokens of a session, the session and its org. */
export interface IdTokenHint {
  clientId: string;
  sub: string;
  /** The login's session (`sid`) and the org whose object holds it (the `sid` embeds it); null for a token without one. */
  session: { sid: string; organizationId: string } | null;
}

/** Input of {@link verifyIdTokenHint}. */
export interface IdTokenHintInput {
  hint: string;
  /** Our issuer (PUBLIC_URL): the hint's `iss` must equal it. */
  issuer: string;
  /** Our published ID-token keys (JWKS): only our own signature makes a hint. */
  keys: readonly JWK[];
  /** Epoch ms. */
  now: number;
}

const SKEW_MS = 60_000;

/**
 * Whether `id_token_hint` is an ID token we issued (RP-Initiated Logout 1.0 §2): signed by one
 * of our published keys, `iss` ours, a single `aud` (our ID tokens name one client). An
 * expired token is accepted on purpose: the spec says the OP SHOULD accept an ID token whose
 * `exp` has passed when its session is current or recent, and apps typically keep the ID
 * token for exactly this call long after it expired. It stays bounded: its key must still be
 * published (a retired key leaves JWKS ID_TOKEN_TTL after retirement), its `iat` within a
 * session's lifetime, and ending anything still needs its `sid` to name a live session of
 * that client in the org's object. Pure: the keys and the clock come in.
 */
export async function verifyIdTokenHint(input: IdTokenHintInput): Promise<Result<IdTokenHint, IdTokenHintRefusal>> {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(input.hint) || input.hint.length > 16_384)
    return refuse("hint_malformed", "id_token_hint is not a compact JWS");
  let payload: Record<string, unknown>;
  try {
    const keys = createLocalJWKSet({ keys: [...input.keys] });
    const verified = await compactVerify(input.hint, keys, { algorithms: ["ES256"] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    return refuse("hint_signature_invalid", `id_token_hint is not signed by one of our keys (${name})`);
  }
  if (payload === null || typeof payload !== "object") return refuse("hint_malformed", "the payload is not an object");
  if (payload.iss !== input.issuer)
    return refuse("hint_issuer_mismatch", `iss ${JSON.stringify(payload.iss)}, expected ${input.issuer}`);
  const aud = Array.isArray(payload.aud) && payload.aud.length === 1 ? payload.aud[0] : payload.aud;
  if (typeof aud !== "string" || aud === "") return refuse("hint_audience_invalid", "aud is not one client");
  if (typeof payload.sub !== "string") return refuse("hint_malformed", "sub is missing");
  const iat = typeof payload.iat === "number" ? payload.iat * 1000 : NaN;
  if (!(iat <= input.now + SKEW_MS) || input.now - iat > SESSION_TTL_MS)
    return refuse("hint_too_old", `iat ${String(payload.iat)} is not within a session's lifetime`);
  return ok({ clientId: aud, sub: payload.sub, session: sessionOf(payload) });
}

function sessionOf(payload: Record<string, unknown>): IdTokenHint["session"] {
  if (typeof payload.sid !== "string") return null;
  const organizationId = orgIdOfToken(payload.sid);
  if (!organizationId || (payload.org_id !== undefined && payload.org_id !== organizationId)) return null;
  return { sid: payload.sid, organizationId };
}
