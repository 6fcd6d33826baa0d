import { spMetadataXml } from "../../admin/connections/sp-metadata";
import { notFound } from "../../http/api-error";
import { route } from "../../http/route";
import { orgIdOfConnection } from "../../lib/ids";
import { orgOp } from "../../store/stores";

/** GET /saml/{connId}/metadata: the SP metadata XML an IdP admin imports (SPEC §3). */
export const samlMetadataRoute = route({
  method: "GET",
  path: "/saml/:connId/metadata",
  tag: "SAML",
  access: "public",
  audience: "api",
  summary: "SP metadata XML",
  success: { status: 200, description: "SAML 2.0 SP metadata", contentType: "application/samlmetadata+xml" },
  handler: async ({ env, params }) => {
    const orgId = orgIdOfConnection(params.connId);
    if (!orgId) throw notFound("Connection");
    const connection = await orgOp(env, orgId, "getConnection", { id: params.connId });
    const xml = await spMetadataXml(connection, env.PUBLIC_URL);
    if (!xml) throw notFound("SAML connection");
    return new Response(xml, {
      headers: {
        "content-type": "application/samlmetadata+xml; charset=utf-8",
        "content-disposition": `inline; filename="${connection.id}-metadata.xml"`,
        "cache-control": "public, max-age=300",
      },
    });
  },
});
