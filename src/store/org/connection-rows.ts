import type { ConnectionRecord, ConnectionState, SsoType } from "./types";

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

export function rowToConnection(row: ConnectionRow, organizationId: string): ConnectionRecord {
  return {
    id: row.id,
    organizationId,
    type: row.type as SsoType,
    name: row.name,
    provider: row.provider,
    state: row.state as ConnectionState,
    domains: JSON.parse(row.domains) as string[],
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    secrets: JSON.parse(row.secrets) as Record<string, string>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
