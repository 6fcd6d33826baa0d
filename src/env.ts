import type { AppStore } from "./store/app-store";
import type { DomainClaim } from "./store/domain-claim";
import type { OrganizationStore } from "./store/organization-store";

/** Bindings and configuration of the worker (see wrangler.toml and README "Configuration"). */
export interface Env {
  /** Base of every URL edge-sso emits. */
  PUBLIC_URL: string;
  /** The root admin key. */
  ADMIN_API_KEY: string;
  /** 32 random bytes, base64: seals stored secrets with AES-GCM. */
  SECRETS_KEY: string;
  /** The previous SECRETS_KEY, tried for decryption while the key rotates. */
  SECRETS_KEY_PREVIOUS?: string;
  /** Shown on the hosted pages (sign-in, errors) and the setup portal. */
  APP_NAME?: string;
  /** The logo beside APP_NAME: a `data:` image or a same-origin URL (anything else is not shown). */
  APP_LOGO_URL?: string;
  /** Local dev and tests only: lets an OIDC IdP on a loopback address use http://. */
  ALLOW_INSECURE_LOOPBACK_IDP?: string;
  DOMAINS: KVNamespace;
  ORGS: DurableObjectNamespace<OrganizationStore>;
  APP: DurableObjectNamespace<AppStore>;
  DOMAIN_CLAIMS: DurableObjectNamespace<DomainClaim>;
}
