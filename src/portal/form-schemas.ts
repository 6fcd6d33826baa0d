import * as z from "zod/mini";
import { IDP_GUIDES } from "./guides";

/**
 * The portal's form bodies, for /openapi.json only (route `form`): the handlers read them
 * with readPortalForm, which checks the CSRF token first. Every form carries `csrf`.
 */
const csrf = { csrf: z.string().check(z.describe("The link's CSRF token, from the portal page")) };
const text = (description: string) => z.optional(z.string().check(z.describe(description)));

export const portalForms = {
  csrfOnly: z.object(csrf),
  provider: z.object({
    ...csrf,
    provider: z.enum(IDP_GUIDES.map((g) => g.id) as [string, ...string[]]),
  }),
  ldapTest: z.object({
    ...csrf,
    username: z.string().check(z.describe("What the user types at the sign-in form (the searchFilter's %(user)s)")),
    password: z.string().check(z.describe("The user's password: used for one bind, never stored or logged")),
  }),
  idp: z.object({
    ...csrf,
    method: text("SAML: url, xml or fields; oidc; ldap"),
    metadataUrl: text("SAML: the IdP metadata URL"),
    metadataXml: text("SAML: the pasted metadata XML (or a metadataFile part, multipart/form-data)"),
    idpSsoUrl: text("SAML: the IdP's sign-in URL"),
    idpEntityId: text("SAML: the IdP entity ID (optional: a test sign-in offers the verified Issuer)"),
    idpCertificate: text("SAML: the signing certificate (PEM)"),
    issuer: text("OIDC: the issuer URL"),
    clientId: text("OIDC: the client ID"),
    clientSecret: text("OIDC: the client secret (write-only; empty keeps the saved one)"),
    serverUri: text("LDAP: ldaps:// or ldap:// URI"),
    startTls: z.optional(z.literal("on")),
    bindDn: text("LDAP: the service account's DN"),
    bindPassword: text("LDAP: the service account's password (write-only; empty keeps the saved one)"),
    baseDn: text("LDAP: where the users are"),
    searchFilter: text("LDAP: the search filter with %(user)s"),
  }),
};
