import { conflict, notFound } from "../../http/api-error";
import type { ConnectionSecrets, SamlSettings } from "../../connections/settings";
import { requireConnection, saveConnectionChange } from "./connection-ops";
import type { OrgContext } from "./context";
import type { SamlConnection } from "./types";

/**
 * SP key rollover (SPEC §9): `rotate` publishes a new pair beside the active one, `activate`
 * makes it the pair that signs and decrypts (the replaced pair stays, still decrypting), and
 * `dropPrevious` removes the replaced pair. At most two pairs exist at any time, so SP
 * metadata never lists more than two of each use. Each step is a connection change
 * (`connection.updated`, and `sso_configuration.updated` while the connection is active).
 */

/** A new pair: its certificates and its private keys, sealed by the caller (crypto/seal.ts). */
export interface NewSpKeyPair {
  signingCertificate: string;
  encryptionCertificate: string;
  sealedSigningKey: string;
  sealedEncryptionKey: string;
}

function requireSamlConnection(ctx: OrgContext, id: string): SamlConnection {
  const connection = requireConnection(ctx, id);
  if (connection.type !== "saml")
    throw conflict(`This is an ${connection.type} connection; only SAML connections have SP keys.`);
  return connection;
}

function withoutSecrets(secrets: ConnectionSecrets, names: (keyof ConnectionSecrets)[]): ConnectionSecrets {
  const copy = { ...secrets };
  for (const name of names) delete copy[name];
  return copy;
}

/** The connection with SP key settings and its secrets replaced, as of now. */
function withSpKeys(
  ctx: OrgContext,
  current: SamlConnection,
  saml: Partial<SamlSettings>,
  secrets: ConnectionSecrets,
): SamlConnection {
  return {
    ...current,
    settings: { ...current.settings, saml: { ...current.settings.saml, ...saml } },
    secrets,
    updatedAt: ctx.now.toISOString(),
  };
}

function rotateSpKeys(ctx: OrgContext, input: { id: string; pair: NewSpKeyPair }): SamlConnection {
  const current = requireSamlConnection(ctx, input.id);
  const saml = current.settings.saml;
  if (saml.spPendingKeys)
    throw conflict("A new SP key pair is already pending: activate it (POST …/sp-keys/activate) first.");
  if (saml.spPreviousKeys)
    throw conflict(
      "The previous SP key pair is still kept for decryption: remove it (DELETE …/sp-keys/previous) before rotating again.",
    );
  const { pair } = input;
  const secrets = { spPendingSigningKey: pair.sealedSigningKey, spPendingEncryptionKey: pair.sealedEncryptionKey };
  const pending = { signingCertificate: pair.signingCertificate, encryptionCertificate: pair.encryptionCertificate };
  const next = withSpKeys(ctx, current, { spPendingKeys: pending }, { ...current.secrets, ...secrets });
  return saveConnectionChange(ctx, current, next, secrets) as SamlConnection;
}

function activateSpKeys(ctx: OrgContext, input: { id: string }): SamlConnection {
  const current = requireSamlConnection(ctx, input.id);
  const saml = current.settings.saml;
  const pending = saml.spPendingKeys;
  const { spPendingSigningKey, spPendingEncryptionKey, spSigningKey, spEncryptionKey } = current.secrets;
  if (!pending || !spPendingSigningKey || !spPendingEncryptionKey)
    throw conflict("No SP key pair is pending: rotate first (POST …/sp-keys/rotate).");
  const secrets: ConnectionSecrets = {
    ...withoutSecrets(current.secrets, [
      "spPendingSigningKey",
      "spPendingEncryptionKey",
      "spPreviousSigningKey",
      "spPreviousEncryptionKey",
    ]),
    spSigningKey: spPendingSigningKey,
    spEncryptionKey: spPendingEncryptionKey,
    ...(spSigningKey ? { spPreviousSigningKey: spSigningKey } : {}),
    ...(spEncryptionKey ? { spPreviousEncryptionKey: spEncryptionKey } : {}),
  };
  const switched = {
    spSigningCertificate: pending.signingCertificate,
    spEncryptionCertificate: pending.encryptionCertificate,
    spPendingKeys: null,
    spPreviousKeys: {
      signingCertificate: saml.spSigningCertificate,
      encryptionCertificate: saml.spEncryptionCertificate,
    },
  };
  return saveConnectionChange(ctx, current, withSpKeys(ctx, current, switched, secrets), {}) as SamlConnection;
}

function dropPreviousSpKeys(ctx: OrgContext, input: { id: string }): SamlConnection {
  const current = requireSamlConnection(ctx, input.id);
  if (!current.settings.saml.spPreviousKeys) throw notFound("Previous SP key pair");
  const secrets = withoutSecrets(current.secrets, ["spPreviousSigningKey", "spPreviousEncryptionKey"]);
  const next = withSpKeys(ctx, current, { spPreviousKeys: null }, secrets);
  return saveConnectionChange(ctx, current, next, {}) as SamlConnection;
}

export const spKeyOps = { rotateSpKeys, activateSpKeys, dropPreviousSpKeys };
