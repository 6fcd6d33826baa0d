// Seeds a running edge-sso through its admin API: an OAuth client for the sample app, an
// organization with a domain, and a SAML connection to the dev IdP, activated.

/** @returns {Promise<{client: {clientId: string, clientSecret: string}, organizationId: string, connectionId: string}>} */
export async function seedSamlDemo({
  edgeUrl,
  adminKey,
  redirectUri,
  postLogoutRedirectUri,
  idpSloUrl,
  idpMetadataXml,
  domain,
  orgName = "Example Inc",
}) {
  const call = async (method, path, body) => {
    const res = await fetch(`${edgeUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const client = await call("POST", "/clients", {
    name: "Sample app",
    redirectUris: [redirectUri],
    ...(postLogoutRedirectUri ? { postLogoutRedirectUris: [postLogoutRedirectUri] } : {}),
  });
  const slug = `demo-${Date.now().toString(36)}`;
  const org = await call("POST", "/organizations", { name: orgName, slug });
  await call("PATCH", `/organizations/${org.id}`, { domains: [domain] }).catch(async (error) => {
    // A previous demo run may hold the domain: release it by deleting that org.
    if (!String(error.message).includes("domain_taken")) throw error;
    const orgs = await call("GET", "/organizations?limit=100");
    for (const other of orgs.data.filter((o) => o.domains.includes(domain)))
      await call("DELETE", `/organizations/${other.id}`);
    await call("PATCH", `/organizations/${org.id}`, { domains: [domain] });
  });
  const connection = await call("POST", `/organizations/${org.id}/connections`, {
    type: "saml",
    name: "Dev IdP",
    provider: "Generic",
  });
  await call("POST", `/organizations/${org.id}/connections/${connection.id}/idp-metadata`, {
    metadataXml: idpMetadataXml,
  });
  // Single logout at the dev IdP (its metadata names no SLO endpoint): LogoutRequests signed.
  if (idpSloUrl)
    await call("PATCH", `/organizations/${org.id}/connections/${connection.id}`, {
      saml: { idpSloUrl, idpSloBinding: "redirect", signLogoutRequests: true },
    });
  await call("POST", `/organizations/${org.id}/connections/${connection.id}/activate`);
  return {
    client: { clientId: client.clientId, clientSecret: client.clientSecret },
    organizationId: org.id,
    connectionId: connection.id,
  };
}
