// POST /knock/{roomIdOrAlias} (knocking.yaml, added in v1.1): sends a knock
// membership event; the room's members see it and may invite or kick the knocker.
import type { Router } from '../../http/Router.js';
import { optionalString } from '../../http/validate.js';
import { idParam } from '../rooms/membershipRoutes.js';
import type { MembershipService } from '../../rooms/MembershipService.js';

export function registerKnockRoutes(router: Router, deps: { membership: Pick<MembershipService, 'knock'> }): void {
  router.route({
    method: 'POST',
    path: '/knock/:roomIdOrAlias',
    auth: 'user',
    handler: async (req) => {
      // `via`/`server_name` name servers to knock through: no federation yet, so unused.
      const roomId = await deps.membership.knock(req.user.userId, idParam(req.params.roomIdOrAlias!, 'room ID or alias'), optionalString(req.body, 'reason'));
      return { body: { room_id: roomId } };
    },
  });
}
