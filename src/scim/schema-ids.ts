/** The schema URNs of RFC 7643 and RFC 7644 that edge-sso's SCIM service speaks. */
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const SERVICE_PROVIDER_CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
export const RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
export const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/** The largest page a list returns (RFC 7644 §3.4.2.4: a larger `count` gets this many). */
export const MAX_PAGE_SIZE = 100;

/** The largest request body a SCIM route reads (ServiceProviderConfig `bulk.maxPayloadSize` names it too). */
export const MAX_SCIM_BODY_BYTES = 1024 * 1024;
