import type { ConnectionSecrets } from "../../connections/settings";
import { storedSettingsByType } from "../../connections/stored-settings";
import type { ConnectionRecord, ConnectionState } from "./types";

export type ConnectionRow = {
  id: string;
  type: string;
  name: string;
  provider: string;
  state: string;
  domains: string;
  settings: string;
  secrets: string;
  created_at: string;
  updated_at: string;
};

/**
 * A stored row as a typed connection. The settings are parsed here, once, by the schema
 * of the row's type (connections/stored-settings.ts), so no caller casts them.
 */
export function rowToConnection(row: ConnectionRow, organizationId: string): ConnectionRecord {
  const fields = {
    id: row.id,
    organizationId,
    name: row.name,
    provider: row.provider,
    state: row.state as ConnectionState,
    domains: JSON.parse(row.domains) as string[],
    secrets: JSON.parse(row.secrets) as ConnectionSecrets,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  const settings: unknown = JSON.parse(row.settings);
  switch (row.type) {
    case "saml":
      return { ...fields, type: "saml", settings: storedSettingsByType.saml.parse(settings) };
    case "oidc":
      return { ...fields, type: "oidc", settings: storedSettingsByType.oidc.parse(settings) };
    case "ldap":
      return { ...fields, type: "ldap", settings: storedSettingsByType.ldap.parse(settings) };
    default:
      throw new Error(`connection ${row.id} has an unknown type ${row.type}`);
  }
}
