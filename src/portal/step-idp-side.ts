import { escapeHtml } from "../flow/html";
import { csrfField, field, idpSideGiven, type PortalStep, type PortalView } from "./steps";

/** Step 3: the IdP side, by protocol (SPEC §9: metadata URL, pasted or uploaded XML, or fields; OIDC; LDAP). */
export const idpSideStep: PortalStep = {
  id: "idp",
  title: "Connect your IdP",
  applies: (v) => v.guide !== null,
  done: (v) => idpSideGiven(v.session.connection),
  render(v) {
    const connection = v.session.connection!;
    const saved = idpSideGiven(connection) && v.posted !== "idp";
    const intro =
      `<h2>Give us your identity provider's details</h2><p class="lead">${v.guide!.whereToFindIdpSide}</p>` +
      (saved ? `<p class="notice ok">Saved. You can replace them below, or run the test sign-in.</p>` : "");
    switch (connection.type) {
      case "saml":
        return intro + samlForms(v);
      case "oidc":
        return (
          intro +
          form(
            v,
            "oidc",
            field(v, {
              name: "issuer",
              label: "Issuer URL",
              hint: "e.g. https://login.example.com",
              value: v.values.issuer ?? connection.settings.oidc.issuer ?? "",
            }) +
              field(v, {
                name: "clientId",
                label: "Client ID",
                value: v.values.clientId ?? connection.settings.oidc.clientId ?? "",
              }) +
              field(v, {
                name: "clientSecret",
                label: "Client secret",
                type: "password",
                hint: "Stored encrypted and never shown again. Leave empty to keep the saved one.",
              }),
            "Save",
          )
        );
      case "ldap": {
        const ldap = connection.settings.ldap;
        /** What the admin just typed, else what is saved (never the bind password). */
        const saved = (name: "serverUri" | "bindDn" | "baseDn" | "searchFilter") => v.values[name] ?? ldap[name] ?? "";
        return (
          intro +
          form(
            v,
            "ldap",
            field(v, {
              name: "serverUri",
              label: "Server URI",
              hint: "ldaps://ldap.example.com:636",
              value: saved("serverUri"),
            }) +
              `<div class="field"><label><input type="checkbox" name="startTls"${connection.settings.ldap.startTls ? " checked" : ""}> Use StartTLS (for ldap:// URIs)</label></div>` +
              field(v, {
                name: "bindDn",
                label: "Bind DN",
                hint: "The service account that searches for users",
                value: saved("bindDn"),
              }) +
              field(v, {
                name: "bindPassword",
                label: "Bind password",
                type: "password",
                hint: "Stored encrypted. Leave empty to keep the saved one.",
              }) +
              field(v, {
                name: "baseDn",
                label: "Base DN",
                hint: "Where the users are, e.g. ou=people,dc=example,dc=com",
                value: saved("baseDn"),
              }) +
              field(v, {
                name: "searchFilter",
                label: "Search filter",
                hint: "%(user)s is what the user types, e.g. (mail=%(user)s)",
                value: saved("searchFilter"),
              }),
            "Save",
          )
        );
      }
    }
  },
};

function form(v: PortalView, method: string, inner: string, button: string, multipart = false): string {
  return (
    `<form method="post" action="${v.session.base}/idp"${multipart ? ' enctype="multipart/form-data"' : ""}>` +
    `${csrfField(v)}<input type="hidden" name="method" value="${method}">${inner}` +
    `<button class="btn" type="submit">${escapeHtml(button)}</button></form>`
  );
}

function samlForms(v: PortalView): string {
  const saml = v.session.connection!.type === "saml" ? v.session.connection!.settings.saml : null;
  return (
    `<h3>Option A: metadata URL</h3>` +
    form(
      v,
      "url",
      field(v, {
        name: "metadataUrl",
        label: "IdP metadata URL",
        type: "url",
        value: v.values.metadataUrl ?? saml?.idpMetadataUrl ?? "",
      }),
      "Fetch and save",
    ) +
    `<p class="or">or</p><h3>Option B: metadata file</h3>` +
    form(
      v,
      "xml",
      `<div class="field"><label for="f-metadataFile">Upload the XML file</label><input id="f-metadataFile" type="file" name="metadataFile" accept=".xml,application/xml,text/xml,application/samlmetadata+xml"></div>` +
        field(v, { name: "metadataXml", label: "…or paste the XML", textarea: true }),
      "Save metadata",
      true,
    ) +
    `<p class="or">or</p><h3>Option C: enter the fields</h3>` +
    form(
      v,
      "fields",
      field(v, {
        name: "idpSsoUrl",
        label: "Sign-in URL (SSO URL)",
        type: "url",
        hint: "The IdP's SAML 2.0 endpoint, often called SSO URL or Login URL",
      }) +
        field(v, {
          name: "idpEntityId",
          label: "IdP entity ID (issuer)",
          hint: "Optional: leave empty and the test sign-in offers the one your IdP sends",
        }) +
        field(v, {
          name: "idpCertificate",
          label: "Signing certificate",
          textarea: true,
          hint: "PEM, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----",
        }),
      "Save fields",
    )
  );
}
