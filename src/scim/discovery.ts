import type { RouteContext } from "../http/route";
import { orgOp } from "../store/stores";
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  LIST_RESPONSE_SCHEMA,
  MAX_PAGE_SIZE,
  MAX_SCIM_BODY_BYTES,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
} from "./schema-ids";
import { scimError } from "./scim-error";
import { scimCaller, scimJson } from "./scim-response";
import { CORE_USER_ATTRIBUTES, ENTERPRISE_USER_ATTRIBUTES } from "./user-attributes";
import { scimBase } from "./user-handlers";

type Ctx = RouteContext<undefined, undefined, { orgId: string; id?: string }>;

/**
 * RFC 7643 §5: what this service supports — and, as the README lists, what it does not:
 * bulk (§3.7), sorting (§3.4.2.3), password change (§3.5.2 on `password`: edge-sso never
 * stores a password), `/Me` and `/.search`.
 */
function serviceProviderConfig(base: string) {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    documentationUri: "https://github.com/edge-sso/edge-sso#directory-sync-scim-20",
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: MAX_SCIM_BODY_BYTES },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "A SCIM token minted for the organization: POST /api/v1/organizations/{orgId}/scim-tokens",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}

function resourceTypes(base: string) {
  return [
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "An organization member",
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "A group of users; its displayName is in the profile's and ID token's groups",
      schema: GROUP_SCHEMA,
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` },
    },
  ];
}

type Kind = (typeof CORE_USER_ATTRIBUTES)[string];

/** RFC 7643 §7: the attribute definitions of the attributes edge-sso keeps. */
function attribute(name: string, kind: Kind): Record<string, unknown> {
  const base = { name, required: name === "userName", mutability: "readWrite", returned: "default" };
  if (kind === "string") {
    const caseExact = name === "externalId";
    return {
      ...base,
      type: "string",
      multiValued: false,
      caseExact,
      uniqueness: name === "userName" ? "server" : "none",
    };
  }
  if (kind === "boolean") return { ...base, type: "boolean", multiValued: false };
  const subs = "complex" in kind ? kind.complex : kind.multi;
  return {
    ...base,
    type: "complex",
    multiValued: "multi" in kind,
    subAttributes: subs.map((s) => ({
      name: s,
      type: s === "primary" ? "boolean" : "string",
      multiValued: false,
      required: false,
      mutability: "readWrite",
      returned: "default",
    })),
  };
}

function schemas(base: string) {
  const read = (name: string) => ({
    name,
    type: "string",
    multiValued: false,
    mutability: "readOnly",
    returned: "default",
  });
  const schema = (id: string, name: string, attributes: unknown[]) => ({
    schemas: [SCHEMA_SCHEMA],
    id,
    name,
    attributes,
    meta: { resourceType: "Schema", location: `${base}/Schemas/${id}` },
  });
  return [
    schema(USER_SCHEMA, "User", [
      ...Object.entries(CORE_USER_ATTRIBUTES).map(([n, k]) => attribute(n, k)),
      {
        ...read("groups"),
        type: "complex",
        multiValued: true,
        subAttributes: [read("value"), read("display"), read("$ref")],
      },
    ]),
    schema(
      ENTERPRISE_USER_SCHEMA,
      "EnterpriseUser",
      Object.entries(ENTERPRISE_USER_ATTRIBUTES).map(([n, k]) => attribute(n, k)),
    ),
    schema(GROUP_SCHEMA, "Group", [
      { ...attribute("displayName", "string"), required: true, uniqueness: "server" },
      attribute("externalId", "string"),
      {
        name: "members",
        type: "complex",
        multiValued: true,
        mutability: "readWrite",
        returned: "default",
        subAttributes: [
          { name: "value", type: "string", multiValued: false, mutability: "immutable", returned: "default" },
          read("display"),
          read("$ref"),
        ],
      },
    ]),
  ];
}

const list = (resources: unknown[]) => ({
  schemas: [LIST_RESPONSE_SCHEMA],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

/** The discovery endpoints need a token of the org too (one call to its object, nothing read). */
async function authenticated(ctx: Ctx): Promise<string> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  await orgOp(ctx.env, caller.orgId, "scimAuthenticate", { tokenHash: caller.tokenHash });
  return scimBase(ctx);
}

export async function getServiceProviderConfig(ctx: Ctx): Promise<Response> {
  return scimJson(serviceProviderConfig(await authenticated(ctx)));
}

export async function listResourceTypes(ctx: Ctx): Promise<Response> {
  return scimJson(list(resourceTypes(await authenticated(ctx))));
}

export async function getResourceType(ctx: Ctx): Promise<Response> {
  const found = resourceTypes(await authenticated(ctx)).find((r) => r.id === ctx.params.id);
  if (!found) throw scimError(404, `No resource type ${ctx.params.id}.`);
  return scimJson(found);
}

export async function listSchemas(ctx: Ctx): Promise<Response> {
  return scimJson(list(schemas(await authenticated(ctx))));
}

export async function getSchema(ctx: Ctx): Promise<Response> {
  const found = schemas(await authenticated(ctx)).find((s) => s.id === ctx.params.id);
  if (!found) throw scimError(404, `No schema ${ctx.params.id}.`);
  return scimJson(found);
}

/** RFC 7644 §3.7 (bulk) and §3.4.3 (POST /.search): not supported, 501 as the RFC says. */
export async function notImplemented(ctx: Ctx): Promise<Response> {
  await authenticated(ctx);
  throw scimError(
    501,
    "This SCIM service does not support bulk operations or POST /.search; see /ServiceProviderConfig.",
  );
}
