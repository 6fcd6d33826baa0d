import type { TestProject } from "vitest/node";
import { BASE_DN, MAIL_DOMAIN, SERVICE, USERS } from "./ldap-directory";
import { freePort } from "./free-port";
import { startSilentServer, startSlapd } from "./slapd";
import { makeTestTls } from "./test-ca";

/** What the LDAP tests get (test/ldap-provided.d.ts). */
export interface LdapPeers {
  /** slapd without TLS: StartTLS is refused. */
  plainUrl: string;
  /** slapd answering StartTLS on ldap://, certificate for 127.0.0.1 only, from `startTlsCaPem`. */
  startTlsUrl: string;
  /** slapd speaking TLS from the first byte, certificate for 127.0.0.1 and localhost, from `ldapsCaPem`. */
  ldapsUrl: string;
  startTlsCaPem: string;
  ldapsCaPem: string;
  /** A TCP port that accepts connections and never answers. */
  silentPort: number;
  /** A loopback port nothing listens on. */
  closedPort: number;
  baseDn: string;
  mailDomain: string;
  service: { dn: string; password: string };
  users: typeof USERS;
}

/**
 * Test setup step: three real slapd servers on free loopback ports — plain, StartTLS and
 * ldaps, each TLS one with its own CA made for this run — loaded with the test directory
 * (test/setup/ldap-directory.ts), plus a silent port and a closed one. Stopped after the run.
 */
export async function startLdapPeers(project: TestProject): Promise<() => Promise<void>> {
  const [startTlsMaterial, ldapsMaterial] = await Promise.all([
    makeTestTls("edge-sso StartTLS test CA", ["127.0.0.1"]),
    makeTestTls("edge-sso LDAPS test CA", ["127.0.0.1", "localhost"]),
  ]);
  const [plain, startTls, ldaps, silent] = await Promise.all([
    startSlapd({ scheme: "ldap" }),
    startSlapd({ scheme: "ldap", tls: startTlsMaterial }),
    startSlapd({ scheme: "ldaps", tls: ldapsMaterial }),
    startSilentServer(),
  ]);
  const peers: LdapPeers = {
    plainUrl: plain.url,
    startTlsUrl: startTls.url,
    ldapsUrl: ldaps.url,
    startTlsCaPem: startTlsMaterial.caPem,
    ldapsCaPem: ldapsMaterial.caPem,
    silentPort: silent.port,
    closedPort: await freePort(),
    baseDn: BASE_DN,
    mailDomain: MAIL_DOMAIN,
    service: SERVICE,
    users: USERS,
  };
  project.provide("ldap", peers);
  return async () => {
    await Promise.all([plain.stop(), startTls.stop(), ldaps.stop(), silent.stop()]);
  };
}
