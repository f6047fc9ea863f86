import type { BetterAuthOptions } from 'better-auth';
import { UserSession } from './user-session.ts';

/** The user who approves agents and owns hosts unless a control request names another one. */
export const DEFAULT_APPROVER_ID = 'usr_conformance_approver';

const EMAIL_DOMAIN = 'users.conformance.test';

/**
 * How long a session is reused: well inside the plugin's fresh-session window (300 s by default),
 * so operations wanting a recent sign-in accept it, while a run signs in once per user every few
 * minutes instead of once per operation (better-auth's limiter allows 3 sign-ins per 10 s).
 */
const SESSION_REUSE_MS = 240_000;

interface UserLookup {
  findUserById(id: string): Promise<{ email: string } | null>;
}

export class UnknownUserError extends Error {
  constructor(readonly userId: string) {
    super(`no user "${userId}"`);
  }
}

/** The user exists but was not created by this directory, so the adapter cannot sign in as them. */
export class CannotActAsUserError extends Error {}

/**
 * The accounts the control adapter acts as. Control requests name users by the ids better-auth issued
 * (`create-user` signs a new one up). The adapter's own default approver is provisioned on first use,
 * signed up through better-auth's own /sign-up/email with a `user.create.before` database hook
 * (better-auth's documented way to adjust a row before it is written) giving the row its fixed id.
 */
export class UserDirectory {
  /** email → id the next sign-up with that email must get. */
  private readonly requestedIds = new Map<string, string>();
  /** userId → the session last opened for that user, reused while it still counts as fresh. */
  private readonly sessions = new Map<string, { session: UserSession; openedAt: number }>();
  /** userId → the last provisioning step queued for that user. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly issuer: string,
    private readonly origin: string,
    private readonly users: () => Promise<UserLookup>,
  ) {}

  /** better-auth `databaseHooks` assigning requested ids to the accounts this directory signs up. */
  databaseHooks(): NonNullable<BetterAuthOptions['databaseHooks']> {
    return {
      user: {
        create: {
          before: async (user) => {
            const id = this.requestedIds.get(user.email);
            return id === undefined ? undefined : { data: { id } };
          },
        },
      },
    };
  }

  async exists(userId: string): Promise<boolean> {
    return (await (await this.users()).findUserById(userId)) !== null;
  }

  /**
   * A fresh session (signed in just now) for `userId`. Unknown ids are signed up when `provision`
   * is set and rejected with UnknownUserError otherwise.
   */
  session(userId: string, provision: boolean): Promise<UserSession> {
    return this.oneAtATime(userId, async () => {
      const kept = this.sessions.get(userId);
      if (kept !== undefined && performance.now() - kept.openedAt < SESSION_REUSE_MS) return kept.session;
      const found = await this.findOrSignUp(userId, provision);
      let session: UserSession;
      if (found instanceof UserSession) session = found;
      else {
        try {
          session = await UserSession.signIn(this.issuer, this.origin, found.email);
        } catch (error) {
          throw new CannotActAsUserError(`cannot sign in as user "${userId}": ${(error as Error).message}`);
        }
      }
      this.sessions.set(userId, { session, openedAt: performance.now() });
      return session;
    });
  }

  /** Drops the kept session of a user who no longer exists. */
  forget(userId: string): void {
    this.sessions.delete(userId);
  }

  /**
   * A new account signed up through better-auth's own /sign-up/email (contract `create-user`); the id
   * is the one better-auth issued.
   */
  async create(): Promise<string> {
    const email = `u${crypto.randomUUID().replaceAll('-', '')}@${EMAIL_DOMAIN}`;
    const session = await UserSession.signUp(this.issuer, this.origin, email, 'Conformance user');
    return session.userId;
  }

  /** The existing user, or the first session of the user signed up just now. */
  private async findOrSignUp(userId: string, provision: boolean): Promise<{ email: string } | UserSession> {
    const user = await (await this.users()).findUserById(userId);
    if (user) return user;
    // Only the adapter's own approver is signed up on first use; any other id must be one
    // better-auth issued (create-user), as the contract says.
    if (!provision || userId !== DEFAULT_APPROVER_ID) throw new UnknownUserError(userId);
    const email = `u${Buffer.from(userId).toString('hex')}@${EMAIL_DOMAIN}`;
    this.requestedIds.set(email, userId);
    try {
      const session = await UserSession.signUp(this.issuer, this.origin, email, `Conformance user ${userId}`);
      if (session.userId !== userId) throw new Error(`signed up as "${session.userId}" instead of "${userId}"`);
      return session;
    } finally {
      this.requestedIds.delete(email);
    }
  }

  /**
   * Runs `step` after every earlier step for the same user has settled. Control requests arrive
   * concurrently; two of them provisioning one new user would otherwise both sign up, and the
   * second account would miss the requested id.
   */
  private oneAtATime<T>(userId: string, step: () => Promise<T>): Promise<T> {
    const result = (this.queues.get(userId) ?? Promise.resolve()).then(step);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(userId, settled);
    void settled.then(() => {
      if (this.queues.get(userId) === settled) this.queues.delete(userId);
    });
    return result;
  }

  clear(): void {
    this.sessions.clear();
    this.requestedIds.clear();
    this.queues.clear();
  }
}
