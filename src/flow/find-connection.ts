import type { Env } from "../env";
import { ApiError } from "../http/api-error";
import type { ConnectionRecord, SsoType } from "../store/org/types";
import { orgOp } from "../store/stores";

/** The connection of one protocol. */
export type ConnectionOfType<T extends SsoType> = Extract<ConnectionRecord, { type: T }>;

/** Whether a connection speaks `type`, narrowing it. */
export function isOfType<T extends SsoType>(connection: ConnectionRecord, type: T): connection is ConnectionOfType<T> {
  return connection.type === type;
}

/**
 * The connection named in an end-user URL or state, when it exists and has the protocol
 * of the endpoint; null otherwise (an unknown org or connection is the same to a browser).
 */
export async function findConnectionOfType<T extends SsoType>(
  env: Env,
  organizationId: string,
  connectionId: string,
  type: T,
): Promise<ConnectionOfType<T> | null> {
  try {
    const connection = await orgOp(env, organizationId, "getConnection", { id: connectionId });
    return isOfType(connection, type) ? connection : null;
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") return null;
    throw error;
  }
}
