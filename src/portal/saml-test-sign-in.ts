import type { Env } from "../env";
import { samlIdentity } from "../flow/saml/attribute-mapping";
import { verificationPolicy } from "../flow/saml/complete-saml-login";
import { verifySamlResponse } from "../saml";
import type { PendingLogin } from "../store/org/login-types";
import type { SamlConnection } from "../store/org/types";
import { finishTestSignIn, portalOfTest, succeededResult } from "./test-sign-in";

/**
 * The ACS's end of a test sign-in: verifies the response exactly as a login would (only
 * the entity ID may be missing, then the verified Issuer is offered), records the result
 * and the audit event, mints no code and touches no member, and sends the browser to the
 * portal's result page.
 */
export async function completeSamlTestSignIn(
  env: Env,
  input: { connection: SamlConnection; samlResponse: string; pending: PendingLogin; headers: HeadersInit | undefined },
): Promise<Response> {
  const { connection, pending } = input;
  const saml = connection.settings.saml;
  const policy = await verificationPolicy(env, connection, saml);
  const verified = await verifySamlResponse({
    samlResponse: input.samlResponse,
    connection: { ...policy, idpEntityId: saml.idpEntityId },
    expectedRequestId: pending.requestId,
    now: new Date(),
  });
  const portal = await portalOfTest(env, pending.setupTest!);
  if (!verified.ok)
    return finishTestSignIn(env, {
      connection,
      portal,
      result: { outcome: "failed", reason: verified.error.code, detail: verified.error.message },
      headers: input.headers,
    });
  const login = verified.value;
  const identity = samlIdentity({
    nameId: login.nameId,
    nameIdFormat: login.nameIdFormat,
    attributes: login.attributes,
    mapping: saml.attributeMapping,
  });
  return finishTestSignIn(env, {
    connection,
    portal,
    result: await succeededResult(env, connection, identity, saml.idpEntityId ? null : login.issuer),
    assertion: { id: login.assertionId, expiresAt: login.replayCacheUntil.getTime() },
    headers: input.headers,
  });
}
