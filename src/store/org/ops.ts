import { acsOps } from "./acs-ops";
import { connectionOps } from "./connection-ops";
import { domainOps } from "./domain-ops";
import { eventOps } from "./event-ops";
import { ldapLoginOps } from "./ldap-login-ops";
import { loginOps } from "./login-ops";
import { memberOps } from "./member-ops";
import { oidcCacheOps } from "./oidc-cache-ops";
import { organizationOps } from "./organization-ops";
import { setupLinkOps } from "./setup-link-ops";
import { spKeyOps } from "./sp-key-ops";
import { sessionOps } from "./session-ops";
import { idpLogoutOps } from "./idp-logout-ops";
import { rpLogoutOps } from "./rp-logout-ops";
import { setupPortalOps } from "./setup-portal-ops";
import { setupLdapTestOps } from "./setup-ldap-test-ops";
import { setupScimOps } from "./setup-scim-ops";
import { tokenOps } from "./token-ops";
import { deliveryOps } from "../../webhooks/delivery-ops";
import { scimTokenOps } from "./scim/scim-token-ops";
import { scimUserOps } from "./scim/scim-user-ops";
import { scimGroupOps } from "./scim/scim-group-ops";

/**
 * Every operation an organization's object runs. Each is synchronous over SQLite and runs
 * inside one storage transaction, so it is atomic; work that needs the network or slow
 * crypto happens in the worker before the call.
 */
export const orgOps = {
  ...organizationOps,
  ...domainOps,
  ...connectionOps,
  ...spKeyOps,
  ...memberOps,
  ...eventOps,
  ...loginOps,
  ...tokenOps,
  ...sessionOps,
  ...idpLogoutOps,
  ...rpLogoutOps,
  ...acsOps,
  ...ldapLoginOps,
  ...oidcCacheOps,
  ...deliveryOps,
  ...setupLinkOps,
  ...scimTokenOps,
  ...scimUserOps,
  ...scimGroupOps,
  ...setupPortalOps,
  ...setupLdapTestOps,
  ...setupScimOps,
};

export type OrgOps = typeof orgOps;
export type OrgOpName = keyof OrgOps;
export type OrgOpInput<K extends OrgOpName> = Parameters<OrgOps[K]>[1];
export type OrgOpOutput<K extends OrgOpName> = ReturnType<OrgOps[K]>;
