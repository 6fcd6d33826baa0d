/** Login state kept in an organization's object (SPEC §3, §4). */

/** What an IdP says about a person beyond who they are (SPEC §4 profile fields). */
export interface UserAttributes {
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  groups: string[];
  roles: string[];
  rawAttributes: Record<string, string[]>;
}

/** The normalized profile handed to the app (SPEC §4 `profile`). */
export interface Profile extends UserAttributes {
  id: string;
  organizationId: string;
  connectionId: string;
  connectionType: "saml" | "oidc" | "ldap";
  /** The IdP's subject: NameID, OIDC `sub`, or LDAP DN. */
  idpId: string;
  email: string;
}

/** A login started at /oauth/authorize, waiting for the IdP's answer. */
export interface PendingLogin extends LoginTarget {
  /** RelayState (SAML) or `state` (upstream OIDC): an org token (lib/ids.ts). */
  relayState: string;
  /** The AuthnRequest ID that InResponseTo must equal. */
  requestId: string;
  connectionId: string;
  loginHint: string | null;
  /** SHA-256 of the browser-binding cookie's value. */
  browserHash: string;
  /** Protocol data for the upstream IdP (OIDC: PKCE verifier and nonce), or null. */
  upstream: Record<string, string> | null;
  createdAt: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Set when the setup portal started this login as a test sign-in (SPEC §9): no code, no member. */
  setupTest?: SetupTestMark;
}

/** A test sign-in's link, and the link's token sealed (crypto/seal.ts) so the ACS can end on the portal. */
export interface SetupTestMark {
  linkId: string;
  sealedToken: string;
}

/** What an IdP asserted about the user, after verification. */
export interface VerifiedIdentity extends UserAttributes {
  subject: string;
  /** Transient (or encrypted transient) NameIDs change per login: match by email instead. */
  subjectIsTransient: boolean;
  email: string | null;
}

/** Where a completed login goes: the app's client and exact redirect URI. */
export interface LoginTarget {
  clientId: string;
  redirectUri: string;
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  scope: string;
}

/** A one-time authorization code, stored by its SHA-256. */
export interface AuthCode extends LoginTarget {
  memberId: string;
  /** The session the code's tokens belong to; null for codes of releases before sessions. */
  sid: string | null;
  profile: Profile;
  expiresAt: number;
}

/** Why a verified login is still refused (recorded in the audit log under a reference id). */
export type LoginRefusal =
  | "replayed"
  | "sso_not_allowed"
  | "connection_inactive"
  | "missing_email"
  | "email_not_verified"
  | "email_domain_not_allowed"
  | "not_a_member"
  | "subject_mismatch"
  | "member_deprovisioned";

/** How a SAML IdP names a login's session in a LogoutRequest (SAML core 3.7.1). */
export interface SamlSessionName {
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  /** The AuthnStatement's SessionIndex; null when the IdP sent none. */
  sessionIndex: string | null;
}

/** A login's session (SPEC §9): what the ID token's `sid` names, until it ends or expires. */
export interface LoginSession {
  sid: string;
  memberId: string;
  connectionId: string;
  clientId: string;
  /** Set for SAML logins: what a LogoutRequest to or from the IdP names. */
  saml: SamlSessionName | null;
  createdAt: string;
  /** Epoch ms. */
  expiresAt: number;
}
