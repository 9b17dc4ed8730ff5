import type { NewSession } from '../../auth/SessionService.js';

/** The body shared by /login and /register (and /_synapse/admin/v1/register). */
export function loginResponse(userId: string, s: NewSession, serverName: string): Record<string, unknown> {
  return {
    user_id: userId,
    access_token: s.accessToken,
    device_id: s.deviceId,
    // Deprecated in the spec but still read by older clients.
    home_server: serverName,
    ...(s.refreshToken !== undefined ? { refresh_token: s.refreshToken, expires_in_ms: s.expiresInMs } : {}),
  };
}
