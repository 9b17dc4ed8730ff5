// The composition root: config → storage → services → http. The ONLY place that
// constructs services and wires them together (DESIGN principle 7): services get
// the narrow interfaces they use as constructor arguments; cross-area reactions
// go through hook lists wired here.
import type { Logger } from 'pino';
import type { HomeserverConfig, ListenerResource } from './config/HomeserverConfig.js';
import { readSigningKeyFile, type SigningKeySeed } from './config/signingKey.js';
import { createLogger } from './logger.js';
import { openStorage, type Storage } from './storage/Storage.js';
import type { DatabaseOptions } from './storage/dialect.js';
import { SessionService, type SessionHooks } from './auth/SessionService.js';
import { UserInteractiveAuth, dummyStage } from './auth/uia.js';
import { passwordStage } from './auth/passwordStage.js';
import { AccountService, type AccountHooks } from './users/AccountService.js';
import { RateLimiter } from './http/RateLimiter.js';
import { createHttpApp } from './http/createHttpApp.js';
import { UserDirectory } from './users/UserDirectory.js';
import { MediaRepository } from './media/MediaRepository.js';
import { RoomSearch } from './search/RoomSearch.js';
import { SearchIndexer } from './search/SearchIndexer.js';
import { KyselySearchStore } from './storage/kysely/KyselySearchStore.js';
import { KyselyMediaStore } from './storage/kysely/KyselyMediaStore.js';
import { KyselyUserDirectoryStore } from './storage/kysely/KyselyUserDirectoryStore.js';
import type { HttpApp } from './http/HttpApp.js';
import type { Router } from './http/Router.js';
import { registerClientApi, type ClientApiDeps } from './client-api/index.js';
import { registrationTokenStage } from './client-api/accounts/register.js';
import { StreamIdGenerator } from './streams/StreamIdGenerator.js';
import { Notifier } from './streams/Notifier.js';
import { maxStreamPosition } from './storage/streamTables.js';
import { createRoomsArea, type RoomsArea } from './rooms/createRoomsArea.js';
import { createSyncArea, type SyncArea } from './sync/createSyncArea.js';
import { serializerFormatter } from './sync/serializerFormatter.js';
import type { SyncExtension } from './sync/SyncExtension.js';
import { createE2eeArea, type E2eeArea } from './e2ee/createE2eeArea.js';
import { createEventsArea, type EventsArea } from './client-api/events/createEventsArea.js';
import { createRelationsArea } from './relations/createRelationsArea.js';
import type { RelationsApiDeps } from './client-api/relations/registerRelationsApi.js';
import { PushRulesService } from './push/PushRulesService.js';
import { createPushUnreadCounter } from './push/pushUnreadCounter.js';
import { Pushers } from './push/Pushers.js';
import { KyselyPusherStore } from './storage/kysely/KyselyPusherStore.js';
import { KyselyReportStore } from './storage/kysely/KyselyReportStore.js';
import { OpenIdTokens } from './openid/OpenIdTokens.js';
import { registerOpenIdUserinfoRoute } from './client-api/openid/registerOpenIdApi.js';
import { KyselyPushReadStore } from './storage/kysely/KyselyPushReadStore.js';

export interface StartOptions {
  /** Overrides config.log_level (tests pass 'silent'). */
  logLevel?: HomeserverConfig['log_level'];
  logger?: Logger;
}

export interface Homeserver {
  config: HomeserverConfig;
  /** Base URL of the first client listener, e.g. http://127.0.0.1:8008 */
  clientUrl: string;
  /** Base URL of the first federation listener, if any. */
  federationUrl: string | undefined;
  signingKey: SigningKeySeed;
  storage: Storage;
  accounts: AccountService;
  sessions: SessionService;
  /** Cross-area hook lists (tests and late wiring may add listeners). */
  hooks: { account: AccountHooks; session: SessionHooks };
  /** The one stream position generator and sync notifier (WAVE2 "Stream positions"). */
  streams: { generator: StreamIdGenerator; notifier: Notifier };
  rooms: RoomsArea;
  /** The sync area's services and the SyncExtension registry. */
  sync: SyncArea & { extensions: SyncExtension[] };
  /** Device keys, cross-signing, to-device, key backup. */
  e2ee: E2eeArea;
  /** Event reads and history visibility (client-api/events, visibility/). */
  events: EventsArea;
  /** Push rules (push/, client-api/push/). */
  push: { pushRules: PushRulesService; pushers: Pushers };
  /** Relations, threads and knocking (relations/, client-api/relations/). */
  relations: RelationsApiDeps;
  /** What the client API's routes are built from (tests mount it on a second Router to list the routes). */
  clientApi: ClientApiDeps;
  logger: Logger;
  close(): Promise<void>;
}

export function databaseOptions(config: HomeserverConfig): DatabaseOptions {
  const db = config.database;
  if (db.name === 'sqlite3') return { engine: 'sqlite', path: db.args.database };
  return {
    engine: 'postgres',
    connectionString: db.args.url,
    host: db.args.host,
    port: db.args.port,
    user: db.args.user,
    password: db.args.password,
    database: db.args.database,
    maxConnections: db.args.cp_max,
  };
}

export async function startHomeserver(config: HomeserverConfig, opts: StartOptions = {}): Promise<Homeserver> {
  const logger = opts.logger ?? createLogger(opts.logLevel ?? config.log_level);
  const signingKey = await readSigningKeyFile(config.signing_key_path);
  const storage = await openStorage(databaseOptions(config));
  const apps: HttpApp[] = [];
  try {
    // --- services -------------------------------------------------------------
    const sessionHooks: SessionHooks = { onDevicesDeleted: [], onDeviceCreated: [], onDeviceRenamed: [] };
    const accountHooks: AccountHooks = { onProfileChanged: [], onUserDeactivated: [] };
    const sessions = new SessionService({
      users: storage.users,
      devices: storage.devices,
      tokens: storage.tokens,
      refreshableTokenLifetimeMs: config.refreshable_access_token_lifetime_ms,
      hooks: sessionHooks,
    });
    const accounts = new AccountService({ serverName: config.server_name, users: storage.users, sessions, hooks: accountHooks });
    const uia = new UserInteractiveAuth({
      'm.login.dummy': dummyStage,
      'm.login.password': passwordStage({ serverName: config.server_name, checkPassword: (u, p) => accounts.checkPassword(u, p) }),
      'm.login.registration_token': registrationTokenStage(storage.registrationTokens),
    });
    uia.onSessionExpired.push(async (s) => {
      if (typeof s.data.registrationToken === 'string') await storage.registrationTokens.release(s.data.registrationToken);
    });
    const generator = new StreamIdGenerator(await maxStreamPosition(storage.database.db));
    const notifier = new Notifier();
    notifier.follow(generator);
    const rooms = await createRoomsArea({
      serverName: config.server_name, defaultRoomVersion: config.default_room_version, signingKey,
      store: storage.rooms, users: storage.users, generator, notifier,
    });
    // Event reads (/messages, /context, /state, …) and history visibility, which /sync applies too.
    const events = createEventsArea({
      db: storage.database.db, rooms: storage.rooms, serializer: rooms.serializer, currentPos: () => generator.current, accountData: () => sync.accountData,
    });
    // /relations, /threads, /knock (relations/).
    const relations = createRelationsArea({
      db: storage.database.db, rooms: storage.rooms, visibility: events.visibility, serializer: rooms.serializer, membership: rooms.membership, pipeline: rooms.pipeline,
    });
    // Bundled m.thread and m.replace aggregations on every read path: the pipeline reports
    // new relations to the parent indexes; the serializer asks the relations area to decorate.
    rooms.pipeline.onRelation = (relType, parentId) => relations.relations.noteRelation(relType, parentId);
    rooms.serializer.decorate = relations.relations.decorate;
    // /sync; other areas push their SyncExtension (to_device, device_lists, …) onto syncExtensions.
    const syncExtensions: SyncExtension[] = [];
    const sync = createSyncArea({
      db: storage.database.db, generator, notifier, extensions: syncExtensions, format: serializerFormatter(rooms.serializer),
      sqliteConnection: storage.database.sqliteConnection,
      visibility: events.visibility.syncFilter,
      lastMembershipChange: () => rooms.pipeline.lastMemberEventPos,
      unreadCounter: createPushUnreadCounter(storage.database.db, (userId) => pushRules.ruleset(userId), storage.database.sqliteConnection),
    });
    const e2ee = createE2eeArea({
      serverName: config.server_name, database: storage.database, generator, notifier, uia,
      lastMembershipChange: () => rooms.pipeline.lastMemberEventPos,
      devices: {
        exists: async (userId, deviceId) => (await storage.devices.getDevice(userId, deviceId)) !== undefined,
        create: async (userId, deviceId, name) => void (await storage.devices.ensureDevice(userId, deviceId, name, Date.now())),
        delete: (userId, deviceIds) => sessions.deleteDevices(userId, deviceIds),
      },
    });
    syncExtensions.push(e2ee.syncExtension);
    const pushRules = new PushRulesService(sync.accountData);
    // Pushers: notifications to push gateways, from a durable outbox (push/Pushers.ts).
    const pushers = new Pushers({
      store: new KyselyPusherStore(storage.database.db),
      pushReads: new KyselyPushReadStore(storage.database.db),
      rooms: storage.rooms,
      rulesetOf: (userId) => pushRules.ruleset(userId),
      unread: createPushUnreadCounter(storage.database.db, (userId) => pushRules.ruleset(userId), storage.database.sqliteConnection),
      currentPos: () => generator.current,
      onError: (err, what) => logger.warn({ err }, what),
    });
    await pushers.start();
    sessionHooks.onDevicesDeleted.push((userId, deviceIds) => pushers.devicesDeleted(userId, deviceIds));
    sessionHooks.onDevicesDeleted.push((userId, deviceIds) => e2ee.onDevicesDeleted(userId, deviceIds));
    sessionHooks.onDeviceCreated.push((userId, deviceId) => e2ee.onDeviceChanged(userId, deviceId));
    sessionHooks.onDeviceRenamed.push((userId, deviceId) => e2ee.onDeviceChanged(userId, deviceId));
    accountHooks.onProfileChanged.push((userId, profile) => rooms.membership.profileChanged(userId, profile));
    accountHooks.onUserDeactivated.push((userId) => rooms.membership.userDeactivated(userId));
    const userDirectory = new UserDirectory({ store: new KyselyUserDirectoryStore(storage.database.db), serverName: config.server_name });
    const media = new MediaRepository({
      store: new KyselyMediaStore(storage.database.db), serverName: config.server_name, storePath: config.media_store_path, maxImagePixels: config.max_image_pixels,
    });
    // Server-side search: the index follows the stream after commit (search/SearchIndexer.ts).
    const searchStore = new KyselySearchStore(storage.database.db, storage.database.engine);
    const searchIndexer = new SearchIndexer({
      store: searchStore, currentPos: () => generator.current, onError: (err) => logger.error({ err }, 'search indexing failed'),
    });
    searchIndexer.start();
    const search = new RoomSearch({
      store: searchStore, indexer: searchIndexer, rooms: storage.rooms, reads: events.reads, visibility: events.visibility,
      serializer: rooms.serializer, currentPos: () => generator.current, ignoredUsers: events.ignoredUsers,
    });
    const rateLimiter = new RateLimiter({
      message: config.rc_message,
      registration: config.rc_registration,
      login: config.rc_login,
    });

    // --- http -----------------------------------------------------------------
    const openIdTokens = new OpenIdTokens(storage.database.db, config.server_name);
    const clientApi: ClientApiDeps = {
      accounts: { config, accounts, sessions, uia, registrationTokens: storage.registrationTokens },
      rooms: { ...rooms, serverName: config.server_name },
      sync,
      e2ee,
      events,
      push: { pushRules, pushers },
      relations,
      users: { directory: userDirectory },
      media: { media, maxUploadSize: config.max_upload_size },
      search: { search },
      voip: {
        uris: config.turn_uris, sharedSecret: config.turn_shared_secret, username: config.turn_username, password: config.turn_password,
        lifetimeMs: config.turn_user_lifetime_ms, allowGuests: config.turn_allow_guests,
      },
      reports: { store: new KyselyReportStore(storage.database.db), rooms: storage.rooms, pipeline: rooms.pipeline, accounts, logger },
      openid: openIdTokens,
    };
    const mount: Record<ListenerResource, (router: Router) => void> = {
      client: (router) => registerClientApi(router, clientApi),
      // The federation area registers its routes here; so far only OpenID userinfo.
      federation: (router) => registerOpenIdUserinfoRoute(router, openIdTokens),
      openid: (router) => registerOpenIdUserinfoRoute(router, openIdTokens),
    };

    const urls: Record<ListenerResource, string[]> = { client: [], federation: [], openid: [] };
    for (const listener of config.listeners) {
      const names = new Set(listener.resources.flatMap((r) => r.names));
      // `federation` includes what `openid` serves.
      if (names.has('federation')) names.delete('openid');
      for (const host of listener.bind_addresses) {
        const { app, router } = createHttpApp({
          logger,
          maxRequestBodySize: config.max_request_body_size,
          trustProxy: listener.x_forwarded,
          authenticate: (token, ip) => sessions.authenticate(token, ip),
          rateLimiter,
        });
        for (const name of names) mount[name](router);
        apps.push(app);
        await app.listen(host, listener.port);
        const addr = app.server.address();
        const port = typeof addr === 'object' && addr ? addr.port : listener.port;
        const h = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host;
        for (const name of names) urls[name].push(`http://${h}:${port}`);
      }
    }

    let closed = false;
    return {
      config,
      clientUrl: urls.client[0] ?? '',
      federationUrl: urls.federation[0],
      signingKey,
      storage,
      accounts,
      sessions,
      hooks: { account: accountHooks, session: sessionHooks },
      streams: { generator, notifier },
      rooms,
      sync: { ...sync, extensions: syncExtensions },
      e2ee,
      events,
      push: { pushRules, pushers },
      relations,
      clientApi,
      logger,
      async close() {
        if (closed) return;
        closed = true;
        await Promise.all(apps.map((a) => a.close()));
        await searchIndexer.stop();
        await pushers.stop();
        await rooms.pipeline.flushed();
        await rooms.pipeline.close();
        await storage.close();
      },
    };
  } catch (err) {
    await Promise.allSettled(apps.map((a) => a.close()));
    await storage.close();
    throw err;
  }
}
