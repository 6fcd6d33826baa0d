import type { Env } from "../env";
import { plainNetworkError } from "../http/network-error";
import { outboundUrlRefusal } from "../http/outbound-url";

/** What one delivery attempt came to (SPEC §6 `attempts[]`). */
export interface AttemptOutcome {
  /** The HTTP status the receiver answered, or null when it answered nothing. */
  status: number | null;
  /** Why there was no answer (`timeout`, a refused URL, a connection failure), else null. */
  error: string | null;
  durationMs: number;
}

/** One signed request to an endpoint. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends one attempt: POST, at most `timeoutMs` (SPEC §6: 10 s), redirects not followed
 * (a 3xx is an answer, and a failure), the URL checked again against the outbound policy
 * (http/outbound-url.ts) since the configuration may have changed since it was saved. The
 * receiver's body is discarded unread.
 */
export async function sendAttempt(
  env: Pick<Env, "ALLOW_INSECURE_LOOPBACK_IDP">,
  request: WebhookRequest,
  timeoutMs: number,
  clock: () => number,
): Promise<AttemptOutcome> {
  const started = clock();
  const refusal = outboundUrlRefusal(env, request.url);
  if (refusal) return { status: null, error: `refused: ${refusal}`, durationMs: 0 };
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal,
    });
    await response.body?.cancel();
    return { status: response.status, error: null, durationMs: clock() - started };
  } catch (error) {
    const timedOut = signal.aborted;
    // Delivery records are read by app-wide keys only (SPEC §2): the detail, in plain words.
    return {
      status: null,
      error: timedOut
        ? `timeout after ${timeoutMs} ms`
        : `connection failed: ${plainNetworkError(error)}`.slice(0, 300),
      durationMs: clock() - started,
    };
  }
}

/** 2xx: done (SPEC §6). */
export const isSuccess = (outcome: AttemptOutcome) =>
  outcome.status !== null && outcome.status >= 200 && outcome.status < 300;

/** 410 Gone: the receiver asks us to stop; the endpoint is disabled at once. */
export const isGone = (outcome: AttemptOutcome) => outcome.status === 410;
