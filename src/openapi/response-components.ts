import * as z from "zod/mini";
import { ldapTestReport } from "../admin/ldap-tests";
import {
  apiKeySchema,
  apiKeyWithKeySchema,
  clientSchema,
  clientWithSecretSchema,
  eventSchema,
  memberSchema,
  organizationSchema,
  pageOf,
  problemSchema,
  ssoSettingsSchema,
} from "../admin/response-schemas";
import { connectionSchema, spKeyRotationSchema, spMetadataSchema } from "../connections/connection-schema";
import {
  discoverySchema,
  jwksSchema,
  oauthErrorSchema,
  profileSchema,
  signingKeySchema,
  tokenResponseSchema,
  userinfoSchema,
} from "../oauth/response-schemas";
import {
  deliveryPageSchema,
  deliverySchema,
  webhookPageSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from "../webhooks/schemas";

import {
  scimDiscoverySchema,
  scimErrorSchema,
  scimGroupSchema,
  scimListOf,
  scimTokenSchema,
  scimTokenWithTokenSchema,
  scimUserSchema,
} from "../scim/response-schemas";

/** `POST /api/v1/sso/saml/complete` (seed 001): where the app sends the browser next. */
const samlCompleteResultSchema = z.object({ result: z.string() });

/** `GET /openapi.json`: an OpenAPI 3.1 document (its own schema is the OpenAPI specification's). */
const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.record(z.string(), z.unknown()),
});

/**
 * The response schemas /openapi.json names under `components.schemas`, so a generated client
 * gets a type per resource (`components["schemas"]["Organization"]`). A route names its
 * success schema by one of these keys (`success.schema: "Organization"`), so the schemas are
 * built only when /openapi.json is, never at isolate start; the builders of the bodies are
 * typed by the same schemas (`z.output<…>`).
 */
export const RESPONSE_COMPONENTS = {
  Problem: problemSchema,
  OpenApiDocument: openApiDocumentSchema,
  Organization: organizationSchema,
  OrganizationPage: pageOf(organizationSchema),
  SsoSettings: ssoSettingsSchema,
  Connection: connectionSchema,
  ConnectionPage: pageOf(connectionSchema),
  SpMetadata: spMetadataSchema,
  SpKeyRotation: spKeyRotationSchema,
  Member: memberSchema,
  MemberPage: pageOf(memberSchema),
  Event: eventSchema,
  EventPage: pageOf(eventSchema),
  Client: clientSchema,
  ClientWithSecret: clientWithSecretSchema,
  ClientPage: pageOf(clientSchema),
  ApiKey: apiKeySchema,
  ApiKeyWithKey: apiKeyWithKeySchema,
  ApiKeyPage: pageOf(apiKeySchema),
  Webhook: webhookSchema,
  WebhookWithSecret: webhookWithSecretSchema,
  WebhookPage: webhookPageSchema,
  Delivery: deliverySchema,
  DeliveryPage: deliveryPageSchema,
  LdapTestReport: ldapTestReport,
  Profile: profileSchema,
  TokenResponse: tokenResponseSchema,
  Userinfo: userinfoSchema,
  OpenIdConfiguration: discoverySchema,
  Jwks: jwksSchema,
  SigningKey: signingKeySchema,
  SamlCompleteResult: samlCompleteResultSchema,
  OAuthError: oauthErrorSchema,
  ScimToken: scimTokenSchema,
  ScimTokenWithToken: scimTokenWithTokenSchema,
  ScimTokenPage: pageOf(scimTokenSchema),
  ScimUser: scimUserSchema,
  ScimUserList: scimListOf(scimUserSchema),
  ScimGroup: scimGroupSchema,
  ScimGroupList: scimListOf(scimGroupSchema),
  ScimDiscovery: scimDiscoverySchema,
  ScimDiscoveryList: scimListOf(scimDiscoverySchema),
  ScimError: scimErrorSchema,
} satisfies Record<string, z.ZodMiniType>;

/** The name of a response component (`success.schema` of a route). */
export type ResponseComponent = keyof typeof RESPONSE_COMPONENTS;
