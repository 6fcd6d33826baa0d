import type { LdapSettings } from "../connections/settings";
import type { SealingKeys } from "../crypto/seal";
import { unseal } from "../crypto/seal";
import type { LdapConnection } from "../store/org/types";
import type { LdapScope } from "./ldap-session";

/** What LDAP work needs to reach and search a directory: a connection's settings with its bind password opened. */
export interface DirectoryConfig {
  serverUri: string | null;
  startTls: boolean;
  bindDn: string | null;
  /** Opened from the sealed secret for the call at hand only; never stored, shown or logged. */
  bindPassword: string | null;
  baseDn: string | null;
  scope: LdapScope;
  searchFilter: string;
  attributeMapping: LdapSettings["attributeMapping"];
}

/** A saved `ldap` connection's directory, its sealed bind password opened (SPEC §9 `connectionId`). */
export async function directoryConfigOf(keys: SealingKeys, connection: LdapConnection): Promise<DirectoryConfig> {
  const settings = connection.settings.ldap;
  const sealed = connection.secrets.bindPassword;
  return {
    serverUri: settings.serverUri,
    startTls: settings.startTls,
    bindDn: settings.bindDn || null,
    bindPassword: sealed ? (await unseal(keys, sealed)) || null : null,
    baseDn: settings.baseDn || null,
    scope: settings.scope,
    searchFilter: settings.searchFilter,
    attributeMapping: settings.attributeMapping,
  };
}

/** The directory attribute read for each profile field (SPEC §2 defaults: mail, givenName, sn, memberOf). */
export function mappedAttributes(mapping: LdapSettings["attributeMapping"]) {
  return {
    email: mapping.email ?? "mail",
    firstName: mapping.firstName ?? "givenName",
    lastName: mapping.lastName ?? "sn",
    groups: mapping.groups ?? "memberOf",
  };
}
