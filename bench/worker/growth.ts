import type { Env } from "../../src/env";
import { newOrgToken } from "../../src/lib/ids";
import { OrganizationStore as RealOrganizationStore } from "../../src/store/organization-store";
import { orgOp } from "../../src/store/stores";
import {
  completeLoginInput,
  createOrganization,
  pendingLogin,
  redeemInput,
  type BenchOrg,
  type Operation,
} from "./operations";

/**
 * Does a login's storage cost grow with the work already stored (issue 11)? An org is filled
 * with `rows` live rows in each of pending_logins, auth_codes, assertion_replay,
 * access_tokens and events, then one login's storage operations run against it, as the flow
 * makes them: create and consume the pending login, complete the login (replay cache,
 * member, code, event), redeem the code, store the access token, read it back (userinfo).
 */

/** The tables a login writes or reads; each gets `rows` rows that expire long after the bench. */
export const GROWTH_TABLES = ["pending_logins", "auth_codes", "assertion_replay", "access_tokens", "events"] as const;

const PROFILE = JSON.stringify({
  id: "user_01jbench000000000000000000",
  organizationId: "org_01jbench000000000000000000",
  email: "filler@example.com",
  emailVerified: true,
  firstName: "Fill",
  lastName: "Er",
  groups: ["engineering", "bench"],
  roles: [],
  rawAttributes: { department: ["R&D"] },
});

/**
 * The real OrganizationStore, plus one bench-only method that fills the login tables in a
 * few statements (a recursive CTE per table, in one transaction). Bound in
 * bench/wrangler.toml as ORGS, so every orgOp of the bench runs the real code.
 */
export class OrganizationStore extends RealOrganizationStore {
  benchFill(rows: number): Record<string, number> {
    const sql = this.ctx.storage.sql;
    const expiresAt = Date.now() + 50 * 60_000;
    const createdAt = new Date().toISOString();
    const series = `WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${rows | 0}) SELECT x FROM n`;
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        `INSERT INTO pending_logins (relay_state, request_id, connection_id, client_id, redirect_uri, state, nonce,
           code_challenge, scope, login_hint, browser_hash, upstream, created_at, expires_at) SELECT 'fill.' || x, '_fill' || x, 'conn_fill', 'client_bench',
           'http://127.0.0.1:9/callback', 'st', 'n', NULL, 'openid email', NULL, '${"0".repeat(64)}', NULL, ?, ?
         FROM (${series})`,
        createdAt,
        expiresAt,
      );
      sql.exec(
        `INSERT INTO auth_codes (code_hash, client_id, redirect_uri, code_challenge, nonce, scope, member_id, profile,
           expires_at) SELECT printf('%064d', x), 'client_bench', 'http://127.0.0.1:9/callback', NULL, 'n',
           'openid email', 'user_fill', ?, ? FROM (${series})`,
        PROFILE,
        expiresAt,
      );
      sql.exec(
        `INSERT INTO assertion_replay (assertion_id, connection_id, expires_at) SELECT '_fill' || x, 'conn_fill', ? FROM (${series})`,
        expiresAt,
      );
      sql.exec(
        `INSERT INTO access_tokens (token_hash, client_id, member_id, scope, profile, expires_at) SELECT printf('%064d', x), 'client_bench', 'user_fill', 'openid email', ?, ?
         FROM (${series})`,
        PROFILE,
        expiresAt,
      );
      sql.exec(
        `INSERT INTO events (id, type, actor, target, data, created_at) SELECT printf('evt_00000000000000%012d', x), 'login.succeeded', 'system', 'user_fill',
           '{"connectionId":"conn_fill"}', ? FROM (${series})`,
        createdAt,
      );
    });
    return Object.fromEntries(
      GROWTH_TABLES.map((t) => [t, sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`).one().n]),
    );
  }
}

/** A fresh org holding `rows` rows per table, and the login's storage operations against it. */
export async function growthOperation(
  env: Env,
  email: string,
  rows: number,
): Promise<{ operation: Operation; counts: Record<string, number> }> {
  const org = await createOrganization(env, email);
  const orgs = env.ORGS as unknown as DurableObjectNamespace<OrganizationStore>;
  const counts = await orgs.get(orgs.idFromName(org.organizationId)).benchFill(rows);
  const operation = () => oneLoginsStorage(env, org, email);
  await operation();
  return { operation, counts };
}

async function oneLoginsStorage(env: Env, org: BenchOrg, email: string): Promise<void> {
  const id = org.organizationId;
  const pending = pendingLogin(org, `_${crypto.randomUUID().replace(/-/g, "")}`, newOrgToken(id));
  await orgOp(env, id, "createPendingLogin", pending);
  const claim = await orgOp(env, id, "consumePendingLogin", { relayState: pending.relayState });
  if (!claim.ok) throw new Error("the pending login was not found");
  const codeHash = crypto.randomUUID();
  const done = await orgOp(env, id, "completeLogin", completeLoginInput(org, email, codeHash));
  if (!done.ok) throw new Error(`completeLogin refused: ${done.reason}`);
  const tokenHash = crypto.randomUUID();
  const redeemed = await orgOp(env, id, "redeemCode", redeemInput(codeHash, tokenHash));
  if (!redeemed.ok) throw new Error(`redeemCode refused: ${redeemed.reason}`);
  if (!(await orgOp(env, id, "findAccessToken", { tokenHash }))) throw new Error("the access token was not found");
}
