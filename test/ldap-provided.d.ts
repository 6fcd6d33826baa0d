/** What the Node-side global setup hands to the LDAP tests (test/setup/ldap-peers.ts). */
declare module "vitest" {
  export interface ProvidedContext {
    ldap: import("./setup/ldap-peers").LdapPeers;
  }
}
export {};
