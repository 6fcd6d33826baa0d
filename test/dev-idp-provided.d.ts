/** What the dev IdP setup step hands to tests (test/setup/dev-idp.ts, tools/dev-idp). */
declare module "vitest" {
  export interface ProvidedContext {
    devIdp: {
      /** Base URL on loopback, e.g. http://127.0.0.1:40123 (`/metadata`, `/sso`, `/login`, `/sign`). */
      url: string;
      /** The IdP's entity ID: `{url}/metadata`. */
      entityId: string;
      /** `{url}/sso`, for the HTTP-Redirect and HTTP-POST bindings. */
      ssoUrl: string;
      /** IdP metadata XML (entityID, both SSO bindings, the signing certificate). */
      metadataXml: string;
      /** The signing certificate (PEM), generated for this run. */
      certificatePem: string;
    };
  }
}
export {};
