// Relations, threads and knocking endpoints. Spec: relations.yaml,
// threads_list.yaml, space_hierarchy.yaml (v1 only), knocking.yaml (v3/r0).
import { MatrixError } from '@weft/core';
import { CLIENT_V1, type Router } from '../../http/Router.js';
import { roomIdParam } from '../rooms/membershipRoutes.js';
import { intParam, tokenParam } from '../events/queryParams.js';
import type { RelationsService } from '../../relations/RelationsService.js';
import type { MembershipService } from '../../rooms/MembershipService.js';
import { registerKnockRoutes } from './knockRoutes.js';
import type { SpaceHierarchy } from '../../relations/SpaceHierarchy.js';

export interface RelationsApiDeps {
  relations: RelationsService;
  membership: Pick<MembershipService, 'knock'>;
  hierarchy: SpaceHierarchy;
}

/** Default and cap of /relations' and /threads' limit (the spec asks for both). */
export const RELATIONS_DEFAULT_LIMIT = 50;
export const RELATIONS_MAX_LIMIT = 1000;
export const THREADS_DEFAULT_LIMIT = 20;
export const THREADS_MAX_LIMIT = 100;
/** /hierarchy: default/cap of limit and max_depth (the spec asks for both). */
export const HIERARCHY_DEFAULT_LIMIT = 50;
export const HIERARCHY_MAX_LIMIT = 100;
export const HIERARCHY_DEFAULT_DEPTH = 10;
export const HIERARCHY_MAX_DEPTH = 50;

const invalid = (msg: string) => new MatrixError(400, 'M_INVALID_PARAM', msg);

export function registerRelationsApi(router: Router, deps: RelationsApiDeps): void {
  const { relations } = deps;
  const viewer = (u: { userId: string; deviceId: string }) => ({ userId: u.userId, deviceId: u.deviceId });

  const relationsHandler = async (req: {
    user: { userId: string; deviceId: string }; params: Record<string, string | undefined>; query: Record<string, string | undefined>;
  }) => {
    const { query, params } = req;
    const dir = query.dir ?? 'b';
    if (dir !== 'b' && dir !== 'f') throw invalid("dir must be 'b' or 'f'");
    const recurseRaw = query.recurse;
    if (recurseRaw !== undefined && recurseRaw !== 'true' && recurseRaw !== 'false') throw invalid('recurse must be true or false');
    const fromToken = query.from === '' ? undefined : query.from;
    const from = fromToken !== undefined ? { token: fromToken, pos: tokenParam(query, 'from')! } : undefined;
    const to = tokenParam(query, 'to');
    const limitRaw = intParam(query, 'limit');
    const limit = Math.min(limitRaw === undefined || limitRaw === 0 ? RELATIONS_DEFAULT_LIMIT : limitRaw, RELATIONS_MAX_LIMIT);
    const body = await relations.relations(viewer(req.user), roomIdParam(params.roomId!), params.eventId!, {
      dir, limit, recurse: recurseRaw === 'true',
      ...(params.relType !== undefined ? { relType: params.relType } : {}),
      ...(params.eventType !== undefined ? { eventType: params.eventType } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    // recursion_depth is present only when the client gave `recurse` (relations.yaml).
    if (recurseRaw === undefined) delete body.recursion_depth;
    else body.recursion_depth ??= 1;
    return { body };
  };
  for (const path of [
    '/rooms/:roomId/relations/:eventId',
    '/rooms/:roomId/relations/:eventId/:relType',
    '/rooms/:roomId/relations/:eventId/:relType/:eventType',
  ]) {
    router.route({ method: 'GET', path, prefixes: [CLIENT_V1], auth: 'user', handler: relationsHandler });
  }

  router.route({
    method: 'GET',
    path: '/rooms/:roomId/threads',
    prefixes: [CLIENT_V1],
    auth: 'user',
    handler: async (req) => {
      const include = req.query.include ?? 'all';
      if (include !== 'all' && include !== 'participated') throw invalid("include must be 'all' or 'participated'");
      const limitRaw = intParam(req.query, 'limit');
      // threads_list.yaml: "Must be an integer greater than zero."
      if (limitRaw === 0) throw invalid('limit must be greater than zero');
      const limit = Math.min(limitRaw ?? THREADS_DEFAULT_LIMIT, THREADS_MAX_LIMIT);
      const fromPos = tokenParam(req.query, 'from');
      return {
        body: await relations.threads(viewer(req.user), roomIdParam(req.params.roomId!), {
          include, limit, ...(fromPos !== undefined ? { fromPos } : {}),
        }),
      };
    },
  });

  router.route({
    method: 'GET',
    path: '/rooms/:roomId/hierarchy',
    prefixes: [CLIENT_V1],
    auth: 'user',
    handler: async (req) => {
      const { query } = req;
      const suggested = query.suggested_only ?? 'false';
      if (suggested !== 'true' && suggested !== 'false') throw invalid('suggested_only must be true or false');
      const limitRaw = intParam(query, 'limit');
      // space_hierarchy.yaml: limit "Must be an integer greater than zero".
      if (limitRaw === 0) throw invalid('limit must be greater than zero');
      const depthRaw = intParam(query, 'max_depth');
      const from = query.from === '' ? undefined : query.from;
      return {
        body: await deps.hierarchy.hierarchy(req.user.userId, roomIdParam(req.params.roomId!), {
          suggestedOnly: suggested === 'true',
          limit: Math.min(limitRaw ?? HIERARCHY_DEFAULT_LIMIT, HIERARCHY_MAX_LIMIT),
          maxDepth: Math.min(depthRaw ?? HIERARCHY_DEFAULT_DEPTH, HIERARCHY_MAX_DEPTH),
          ...(from !== undefined ? { from } : {}),
        }),
      };
    },
  });

  registerKnockRoutes(router, deps);
}
