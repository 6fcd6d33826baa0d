import { ui, value, type IdpGuide } from "./guide";

export const genericOidcGuide: IdpGuide = {
  id: "generic-oidc",
  name: "OpenID Connect",
  protocol: "oidc",
  provider: "Generic",
  blurb: "Any OpenID Connect provider",
  steps: (sp) => [
    `In your identity provider, register a new ${ui("web application")} (a confidential OpenID Connect client using the authorization code flow).`,
    `Add ${value(sp.oidcRedirectUri)} as its ${ui("Redirect URI")} (also called ${ui("Callback URL")} or ${ui("Sign-in redirect URI")}).`,
    `Allow the scopes ${value("openid")}, ${value("email")} and ${value("profile")}. The ID token or userinfo must carry ${value("email")} and ${value("email_verified")}; add a ${value("groups")} claim if you want groups.`,
    `Copy the ${ui("Client ID")} and ${ui("Client secret")}, and assign the application to yourself.`,
  ],
  whereToFindIdpSide: `The ${ui("Issuer")} URL: edge-sso reads ${value("<issuer>/.well-known/openid-configuration")}, so give the URL before that path (for Okta ${value("https://<org>.okta.com")}, for Entra ID ${value("https://login.microsoftonline.com/<tenant id>/v2.0")}).`,
};
