import type {
  ConnectionSecrets,
  LdapConnectionSettings,
  OidcConnectionSettings,
  SamlConnectionSettings,
} from "../../connections/settings";
import type { CertificateDrop } from "../../connections/metadata-refresh/plan-certificates";
import type { MetadataRefreshStatus } from "./metadata-refresh-state";

/** Records kept in an organization's Durable Object (docs/storage.md). */
export type SsoType = "saml" | "oidc" | "ldap";
export type ActiveSso = "none" | SsoType;
export type ConnectionState = "draft" | "active" | "inactive";

export interface DomainRecord {
  domain: string;
  verified: boolean;
}

export interface OrganizationRecord {
  id: string;
  name: string;
  slug: string;
  ssoAllowed: boolean;
  jitProvisioning: boolean;
  activeSso: ActiveSso;
  domains: DomainRecord[];
  createdAt: string;
  updatedAt: string;
}

/** What every connection has, whatever its protocol. */
interface ConnectionFields {
  id: string;
  organizationId: string;
  name: string;
  provider: string;
  state: ConnectionState;
  domains: string[];
  /** Sealed secrets by name (spSigningKey, spEncryptionKey, clientSecret, bindPassword). */
  secrets: ConnectionSecrets;
  createdAt: string;
  updatedAt: string;
}

/** A SAML connection: the common settings and the `saml` block; never a secret in `settings`. */
export interface SamlConnection extends ConnectionFields {
  type: "saml";
  settings: SamlConnectionSettings;
  /**
   * The refresh of its metadata URL and the IdP certificates on their way out (SPEC §9),
   * attached where the admin API reads a connection (metadata-refresh-state.ts); absent on
   * the login path, which never needs it.
   */
  lifecycle?: SamlLifecycle;
}

/** What the connection view shows of a SAML connection's certificate and metadata lifecycle. */
export interface SamlLifecycle {
  metadataRefresh: MetadataRefreshStatus | null;
  /** Configured certificates the IdP's metadata no longer lists, trusted until dropped. */
  certificateDrops: CertificateDrop[];
}

export interface OidcConnection extends ConnectionFields {
  type: "oidc";
  settings: OidcConnectionSettings;
}

export interface LdapConnection extends ConnectionFields {
  type: "ldap";
  settings: LdapConnectionSettings;
}

/**
 * A connection as stored, discriminated on `type`: settings in clear (parsed from storage
 * once, by the row mapping), secrets sealed (crypto/seal.ts).
 */
export type ConnectionRecord = SamlConnection | OidcConnection | LdapConnection;

export interface MemberRecord {
  id: string;
  organizationId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  connectionId: string | null;
  idpSubject: string | null;
  /** How the member arrived: the admin API, JIT at a first login, or directory sync (SPEC §10). */
  source: "admin" | "jit" | "scim";
  /** The IdP's own ID of a SCIM user (never used to match a login). */
  externalId: string | null;
  /** False once deprovisioned (SCIM `active: false`, or deleted through SCIM: then `deprovisionedAt` is set). */
  active: boolean;
  deprovisionedAt: string | null;
  /** The member's SCIM groups' display names. */
  groups: string[];
  createdAt: string;
  updatedAt: string;
}

/** An audit event (SPEC §2 "Events"). */
export interface AuditEvent {
  id: string;
  type: string;
  actor: string;
  organizationId: string | null;
  target: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}
