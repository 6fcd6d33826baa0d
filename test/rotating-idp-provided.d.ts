/** What the rotating IdP setup step hands to tests (test/setup/rotating-idp.ts). */
declare module "vitest" {
  export interface ProvidedContext {
    rotatingIdp: {
      /** `{feedsUrl}/{name}/metadata.xml`, `POST {feedsUrl}/{name}/mode`, `GET {feedsUrl}/{name}/log`. */
      feedsUrl: string;
      /** The entity ID both keys sign for. */
      entityId: string;
      /** The dev IdP's `POST /sign` with the old key, and with the new one. */
      oldSignUrl: string;
      newSignUrl: string;
      oldCertificatePem: string;
      newCertificatePem: string;
    };
  }
}
export {};
