import * as z from "zod/mini";
import type { Env } from "../env";
import { ApiError } from "../http/api-error";
import { json } from "../http/problem";
import { route, type RouteContext } from "../http/route";
import { orgIdOfConnection } from "../lib/ids";
import type { DirectoryConfig } from "../ldap/directory-config";
import type { LdapTarget } from "../ldap/ldap-target";
import { orgOp } from "../store/stores";
import { ldapScope, ldapSearchFilter, ldapServerUri } from "./connections/schemas";

/**
 * POST /api/v1/ldap/connection-test and /authentication-test (SPEC §2, §9; seed 003's LDAP
 * bind and user authentication tests, its fields in camelCase). App-wide keys only: the
 * report names hosts, DNs and TLS failures. A failed test is 200 `success: false`; only a
 * body that cannot be tested is an error. Passwords go to the directory and nowhere else.
 */
const connectionId = z.string().check(z.regex(/^conn_[0-9a-z]{38}$/, "must be a connection ID"));
const directoryFields = {
  /** Instead of the fields below: a saved `ldap` connection, its sealed bind password included. */
  connectionId: z.optional(connectionId),
  serverUri: z.optional(ldapServerUri),
  startTls: z.optional(z.boolean()),
  /** Empty or absent: an anonymous bind (seed 003). */
  bindDn: z.optional(z.string().check(z.maxLength(1024))),
  bindPassword: z.optional(z.string().check(z.maxLength(1024))),
  baseDn: z.optional(z.string().check(z.maxLength(1024))),
};

export const connectionTestBody = z.strictObject(directoryFields);

export const authenticationTestBody = z.strictObject({
  ...directoryFields,
  scope: z.optional(ldapScope),
  searchFilter: z.optional(ldapSearchFilter),
  username: z.string().check(z.minLength(1), z.maxLength(256)),
  password: z.string().check(z.maxLength(1024)),
});

export const ldapTestReport = z.object({
  success: z.boolean(),
  details: z.string(),
  steps: z.array(
    z.object({
      name: z.enum(["dns", "tcp", "tls", "bind", "search", "user_bind"]),
      ok: z.boolean(),
      durationMs: z.number(),
      detail: z.optional(z.string()),
    }),
  ),
});

type ConnectionTestBody = z.infer<typeof connectionTestBody>;
type AuthenticationTestBody = z.infer<typeof authenticationTestBody>;

async function connectionTest({ env, body }: RouteContext<ConnectionTestBody>): Promise<Response> {
  const config = await directoryOf(env, body);
  const target = await targetOf(env, config, body);
  const { runConnectionTest, workerConnector } = await import("../ldap");
  return json(await runConnectionTest(target, config, { connector: workerConnector }));
}

async function authenticationTest({ env, body }: RouteContext<AuthenticationTestBody>): Promise<Response> {
  if (body.password === "")
    throw invalid("password", "must not be empty: an empty password is an unauthenticated bind (RFC 4513 §5.1.2)");
  const config = await directoryOf(env, body);
  const baseDn = config.baseDn;
  if (!baseDn)
    throw invalid(body.connectionId ? "connectionId" : "baseDn", "is required: the DN to search users under");
  const target = await targetOf(env, config, body);
  const { runAuthenticationTest, mappedAttributes, workerConnector } = await import("../ldap");
  const { report } = await runAuthenticationTest(
    target,
    config,
    {
      baseDn,
      scope: config.scope,
      searchFilter: config.searchFilter,
      attributes: Object.values(mappedAttributes(config.attributeMapping)),
    },
    { username: body.username, password: body.password },
    { connector: workerConnector },
  );
  return json(report);
}

/** The directory to test: the body's fields, or the saved connection `connectionId` names. */
async function directoryOf(env: Env, body: AuthenticationTestBody | ConnectionTestBody): Promise<DirectoryConfig> {
  const { connectionId: id, ...fields } = body;
  const given = Object.keys(fields).filter((k) => k !== "username" && k !== "password");
  if (id) {
    if (given.length > 0)
      throw invalid(given[0]!, "cannot be given with connectionId (the saved connection's is used)");
    const organizationId = orgIdOfConnection(id);
    if (!organizationId) throw new ApiError(404, "not_found", "Connection not found.");
    const connection = await orgOp(env, organizationId, "getConnection", { id });
    if (connection.type !== "ldap") throw invalid("connectionId", `is a ${connection.type} connection, not ldap`);
    const { directoryConfigOf } = await import("../ldap/directory-config");
    return directoryConfigOf(env, connection);
  }
  if (!body.serverUri) throw invalid("serverUri", "is required (or give connectionId)");
  const search: Partial<AuthenticationTestBody> = body;
  return {
    serverUri: body.serverUri,
    startTls: body.startTls ?? false,
    bindDn: body.bindDn || null,
    bindPassword: body.bindPassword || null,
    baseDn: body.baseDn || null,
    scope: search.scope ?? 2,
    searchFilter: search.searchFilter ?? "(mail=%(user)s)",
    attributeMapping: {},
  };
}

/** The server to contact, through the outbound policy (SPEC §9); a refusal is 400 naming the field. */
async function targetOf(env: Env, config: DirectoryConfig, body: { connectionId?: string }): Promise<LdapTarget> {
  const path = body.connectionId ? "connectionId" : "serverUri";
  if (!config.serverUri) throw invalid(path, "the connection has no ldap.serverUri");
  const { parseLdapTarget } = await import("../ldap/ldap-target");
  const parsed = parseLdapTarget(env, config.serverUri, config.startTls);
  if (!parsed.ok) throw invalid(path, parsed.detail);
  return parsed.target;
}

function invalid(path: string, message: string): ApiError {
  return new ApiError(400, "validation_failed", `The request is invalid: ${path}: ${message}`, [{ path, message }]);
}

const tag = "LDAP";
export const ldapTestRoutes = [
  route({
    method: "POST",
    path: "/api/v1/ldap/connection-test",
    tag,
    access: "app",
    audience: "api",
    summary:
      "Test an LDAP server: connect, TLS, bind, search (seed 003). Steps dns, tcp, tls, bind, search; stops at the first failure",
    body: connectionTestBody,
    success: {
      status: 200,
      description: "The report: success, details (the failure in plain words), steps",
      schema: ldapTestReport,
    },
    handler: connectionTest,
  }),
  route({
    method: "POST",
    path: "/api/v1/ldap/authentication-test",
    tag,
    access: "app",
    audience: "api",
    summary:
      "Test a user's sign-in: bind, search searchFilter for the username (RFC 4515-escaped), bind as the entry (seed 003)",
    body: authenticationTestBody,
    success: { status: 200, description: "The report: steps up to user_bind", schema: ldapTestReport },
    handler: authenticationTest,
  }),
];
