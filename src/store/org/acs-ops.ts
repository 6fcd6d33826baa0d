import { one } from "../sql";
import type { OrgContext } from "./context";
import { rowToConnection, type ConnectionRow } from "./connection-rows";
import { consumePendingLogin, type PendingLoginClaim } from "./login-ops";
import type { SamlConnection } from "./types";

/** What the ACS needs before verifying: the SAML connection, and the pending login it may claim. */
export interface AcsLogin {
  /** The SAML connection of the ACS URL; null when the org or the connection is unknown or not SAML. */
  connection: SamlConnection | null;
  /** The claim of the pending login RelayState names; null without RelayState or connection. */
  claim: PendingLoginClaim | null;
}

/**
 * The ACS's one round trip to the org's object (SPEC §1 hot path): reads the connection
 * and, only when it is a SAML connection, consumes the pending login named by
 * `relayState` for this browser (login-ops.ts consumePendingLogin: once, own browser only).
 * An unknown connection leaves the pending login untouched.
 */
function claimAcsLogin(
  ctx: OrgContext,
  input: { connectionId: string; relayState: string | null; browserHashes: string[] },
): AcsLogin {
  const org = one<{ id: string }>(ctx.sql, "SELECT id FROM organization LIMIT 1");
  const row = org ? one<ConnectionRow>(ctx.sql, "SELECT * FROM connections WHERE id = ?", input.connectionId) : null;
  const connection = org && row ? rowToConnection(row, org.id) : null;
  if (!connection || connection.type !== "saml") return { connection: null, claim: null };
  const claim = input.relayState
    ? consumePendingLogin(ctx, { relayState: input.relayState, browserHashes: input.browserHashes })
    : null;
  return { connection, claim };
}

export const acsOps = { claimAcsLogin };
