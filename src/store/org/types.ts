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

/** A connection as stored: settings in clear, secrets sealed (crypto/seal.ts). */
export interface ConnectionRecord {
  id: string;
  organizationId: string;
  type: SsoType;
  name: string;
  provider: string;
  state: ConnectionState;
  domains: string[];
  /** Common fields and the `saml`/`oidc`/`ldap` block; never a secret. */
  settings: Record<string, unknown>;
  /** Sealed secrets by name (spSigningKey, spEncryptionKey, clientSecret, bindPassword). */
  secrets: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface MemberRecord {
  id: string;
  organizationId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  connectionId: string | null;
  idpSubject: string | null;
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
