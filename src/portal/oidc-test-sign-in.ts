import type { Env } from "../env";
import { verifyOidcCallback, type OidcCallbackInput } from "../flow/oidc/complete-oidc-login";
import { idpErrorDetail } from "../flow/oidc/callback";
import { finishTestSignIn, portalOfTest, succeededResult } from "./test-sign-in";

/**
 * The OIDC callback's end of a test sign-in (SPEC §9): the same verification as a login
 * (flow/oidc/complete-oidc-login.ts `verifyOidcCallback`: code exchange, ID token,
 * userinfo, `email_verified`), then the result page instead of the completion step — no
 * code for the app, no member. An error the IdP answered with is the test's failure.
 */
export async function completeOidcTestSignIn(
  env: Env,
  input: OidcCallbackInput & { headers: HeadersInit },
): Promise<Response> {
  const { connection, pending } = input;
  const portal = await portalOfTest(env, pending.setupTest!);
  const idpError = input.params.get("error");
  if (idpError !== null) {
    const { detail } = idpErrorDetail(idpError, input.params.get("error_description"));
    return finishTestSignIn(env, {
      connection,
      portal,
      result: { outcome: "failed", reason: "idp_error", detail },
      headers: input.headers,
    });
  }
  const verified = await verifyOidcCallback(env, input);
  const result = verified.ok
    ? await succeededResult(env, connection, verified.identity)
    : ({ outcome: "failed", reason: verified.reason, detail: verified.detail } as const);
  return finishTestSignIn(env, { connection, portal, result, headers: input.headers });
}
