import type { TestProject } from "vitest/node";
import { startDevIdp } from "../../tools/dev-idp/index.mjs";

/**
 * Test setup step: the dev SAML IdP (tools/dev-idp) on a loopback port, so tests inside
 * workerd, which cannot spawn xmlsec1, get Responses from a real independent signer over
 * HTTP: `POST {url}/sign`, or the SSO endpoint `{url}/sso` with `autoLogin=<email>`.
 * Provided as `inject("devIdp")` (test/dev-idp-provided.d.ts).
 */
export async function devIdpStep(project: TestProject): Promise<() => Promise<void>> {
  const idp = await startDevIdp();
  project.provide("devIdp", {
    url: idp.url,
    entityId: idp.entityId,
    ssoUrl: idp.ssoUrl,
    metadataXml: idp.metadataXml,
    certificatePem: idp.certificatePem,
  });
  return () => idp.close();
}
