import { adfsGuide } from "./adfs";
import { auth0Guide } from "./auth0";
import { duoGuide } from "./duo";
import { entraIdGuide } from "./entra-id";
import { genericOidcGuide } from "./generic-oidc";
import { genericSamlGuide } from "./generic-saml";
import { googleWorkspaceGuide } from "./google-workspace";
import type { IdpGuide } from "./guide";
import { jumpcloudGuide } from "./jumpcloud";
import { keycloakGuide } from "./keycloak";
import { ldapGuide } from "./ldap";
import { oktaGuide } from "./okta";
import { oneloginGuide } from "./onelogin";
import { pingGuide } from "./ping";
import { ripplingGuide } from "./rippling";

export type { IdpGuide, SpValues } from "./guide";

/** Every IdP the portal offers (SPEC §9), in the order the chooser shows them. */
export const IDP_GUIDES: readonly IdpGuide[] = [
  oktaGuide,
  entraIdGuide,
  googleWorkspaceGuide,
  oneloginGuide,
  jumpcloudGuide,
  ripplingGuide,
  duoGuide,
  adfsGuide,
  keycloakGuide,
  pingGuide,
  auth0Guide,
  genericSamlGuide,
  genericOidcGuide,
  ldapGuide,
];

export function guideById(id: string): IdpGuide | undefined {
  return IDP_GUIDES.find((g) => g.id === id);
}
