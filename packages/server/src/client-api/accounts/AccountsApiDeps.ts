// What the accounts endpoints need (built in main.ts).
import type { HomeserverConfig } from '../../config/HomeserverConfig.js';
import type { SessionService } from '../../auth/SessionService.js';
import type { UserInteractiveAuth } from '../../auth/uia.js';
import type { AccountService, Profile } from '../../users/AccountService.js';
import type { RegistrationTokenStore } from '../../storage/ports/accounts.js';

export interface AccountsApiDeps {
  config: Pick<
    HomeserverConfig,
    | 'server_name'
    | 'public_baseurl'
    | 'enable_registration'
    | 'registration_requires_token'
    | 'allow_guest_access'
    | 'default_room_version'
    | 'registration_shared_secret'
  >;
  accounts: AccountService;
  sessions: SessionService;
  uia: UserInteractiveAuth;
  registrationTokens: RegistrationTokenStore;
  /** Profiles of users on other servers (set by the federation area when it lands). */
  remoteProfile?: (userId: string) => Promise<Profile>;
}
