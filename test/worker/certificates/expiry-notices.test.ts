/**
 * Certificate expiry notices (SPEC §9): `connection.certificate_expiring` fires 30, 7 and 1
 * days before a certificate's notAfter, checked on add, on activation and daily by the org's
 * scheduler; the tightest threshold not yet fired for a fingerprint fires, once; drafts are
 * not tracked. Time is the org object's injected scheduler clock, never a wait.
 */
import { describe, expect, it } from "vitest";
import { bodyOf, createEndpoint, deleteEndpoints, receivedAtLeast } from "../webhooks/helpers";
import { createOrg, createSamlConnection, del, expectStatus, get, idpCertificate, patch, post } from "../admin/helpers";
import {
  certificateCheckOf,
  certificateExpiringIn,
  DAY,
  expiringEvents,
  fingerprintOf,
  HOUR,
  runTasksAt,
} from "./helpers";

const IDP = { idpEntityId: "https://idp.example.com/entity", idpSsoUrl: "https://idp.example.com/sso" };

async function activeConnectionWith(certificates: string[]) {
  const org = await createOrg();
  const connection = await createSamlConnection(org.id, { saml: { ...IDP, idpCertificates: certificates } });
  expectStatus(await post(`organizations/${org.id}/connections/${connection.id}/activate`), 200);
  return { orgId: org.id, connectionId: connection.id, t0: Date.now() };
}

describe("connection.certificate_expiring", () => {
  it("fires 30, 7 and 1 days before notAfter, each once, from the daily check", async () => {
    const start = Date.now();
    const expiring = await certificateExpiringIn(40, start);
    const { orgId, connectionId, t0 } = await activeConnectionWith([expiring]);

    await runTasksAt(orgId, t0); // the activation's check: 40 days left, nothing due
    expect(await expiringEvents(orgId)).toEqual([]);
    // Checked again a day later (the object's own alarm may have run the check a moment before this test did).
    const next = (await certificateCheckOf(orgId, connectionId))?.dueAt;
    expect(next).toBeGreaterThan(t0 + DAY - 60_000);
    expect(next).toBeLessThan(t0 + DAY + 60_000);

    const fingerprintSha256 = await fingerprintOf(expiring);
    const view = await get(`organizations/${orgId}/connections/${connectionId}`);
    const listed = view.body.certificates.find((c: { role: string }) => c.role === "idp_signing");
    expect(listed).toMatchObject({ fingerprintSha256, status: "active" });
    const notAfter = listed.notAfter as string;
    expect(Math.abs(Date.parse(notAfter) - (start + 40 * DAY))).toBeLessThan(2_000);

    await runTasksAt(orgId, start + 10 * DAY + HOUR); // 29 days 23 h left
    await runTasksAt(orgId, start + 12 * DAY + 2 * HOUR); // still within 30: already fired
    await runTasksAt(orgId, start + 33 * DAY + 3 * HOUR); // 6 days 21 h left
    await runTasksAt(orgId, start + 35 * DAY + 4 * HOUR); // within 7: already fired
    await runTasksAt(orgId, start + 39 * DAY + 12 * HOUR); // 12 h left
    await runTasksAt(orgId, start + 41 * DAY); // expired: the 1-day notice was its last
    const certificate = { fingerprintSha256, notAfter, role: "idp_signing" };
    expect(await expiringEvents(orgId)).toEqual([
      { connectionId, certificate, daysLeft: 30 },
      { connectionId, certificate, daysLeft: 7 },
      { connectionId, certificate, daysLeft: 1 },
    ]);
    // The SP's own certificates (ten years) fired nothing.
  });

  it("a certificate added with 5 days left fires the 7-day notice only, then the 1-day one", async () => {
    const active = await activeConnectionWith([await idpCertificate()]);
    const { orgId, connectionId } = active;
    await runTasksAt(orgId, active.t0);
    const added = await certificateExpiringIn(5);
    const updated = await patch(`organizations/${orgId}/connections/${connectionId}`, {
      saml: { idpCertificates: [await idpCertificate(), added] },
    });
    expectStatus(updated, 200);
    const t0 = Date.now();
    // Adding the certificate made the check due at once.
    expect((await certificateCheckOf(orgId, connectionId))?.dueAt).toBeLessThanOrEqual(Date.now());
    await runTasksAt(orgId, t0 + 1_000);
    const fingerprintSha256 = await fingerprintOf(added);
    expect(await expiringEvents(orgId)).toMatchObject([
      { connectionId, certificate: { fingerprintSha256, role: "idp_signing" }, daysLeft: 5 },
    ]);
    await runTasksAt(orgId, t0 + DAY + 2_000); // 4 days left: the 7-day notice fired already, 30 never will
    expect(await expiringEvents(orgId)).toHaveLength(1);
    await runTasksAt(orgId, t0 + 4 * DAY + 12 * HOUR);
    expect((await expiringEvents(orgId)).map((e) => e.daysLeft)).toEqual([5, 1]);
  });

  it("drafts are not tracked; activation checks at once", async () => {
    const org = await createOrg();
    const expiring = await certificateExpiringIn(5);
    const connection = await createSamlConnection(org.id, { saml: { ...IDP, idpCertificates: [expiring] } });
    const t0 = Date.now();
    await runTasksAt(org.id, t0 + 2 * DAY);
    expect(await certificateCheckOf(org.id, connection.id)).toBeNull();
    expect(await expiringEvents(org.id)).toEqual([]);

    await runTasksAt(org.id, 0); // back to the real time
    expectStatus(await post(`organizations/${org.id}/connections/${connection.id}/activate`), 200);
    expect(await certificateCheckOf(org.id, connection.id)).not.toBeNull();
    await runTasksAt(org.id, Date.now());
    expect(await expiringEvents(org.id)).toMatchObject([
      { connectionId: connection.id, certificate: { fingerprintSha256: await fingerprintOf(expiring) }, daysLeft: 5 },
    ]);
  });

  it("a deleted connection is checked no more", async () => {
    const { orgId, connectionId, t0 } = await activeConnectionWith([await certificateExpiringIn(3)]);
    await runTasksAt(orgId, t0 + 1_000);
    expect((await expiringEvents(orgId)).map((e) => e.daysLeft)).toEqual([3]);
    expectStatus(await del(`organizations/${orgId}/connections/${connectionId}`), 204);
    await runTasksAt(orgId, t0 + 2 * DAY + 12 * HOUR); // the 1-day notice would be due
    expect((await expiringEvents(orgId)).map((e) => e.daysLeft)).toEqual([3]);
    expect(await certificateCheckOf(orgId, connectionId)).toBeNull();
  });

  it("is delivered to a webhook endpoint subscribed to it, signed per Standard Webhooks", async () => {
    const hook = await createEndpoint(["connection.certificate_expiring"]);
    try {
      const expiring = await certificateExpiringIn(5);
      const { orgId, connectionId } = await activeConnectionWith([expiring]);
      await runTasksAt(orgId, Date.now());
      const [request, ...more] = await receivedAtLeast(hook.name, orgId, 1);
      expect(more).toEqual([]);
      expect(request!.verified).toEqual({ current: true });
      const body = bodyOf(request!);
      const [event] = await expiringEvents(orgId);
      expect(body).toMatchObject({ type: "connection.certificate_expiring", organizationId: orgId, data: event });
      expect(body.data).toMatchObject({
        connectionId,
        certificate: { fingerprintSha256: await fingerprintOf(expiring), role: "idp_signing" },
        daysLeft: 5,
      });
    } finally {
      await deleteEndpoints(hook);
    }
  });
});
