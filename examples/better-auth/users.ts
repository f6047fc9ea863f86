import type { BetterAuthOptions } from 'better-auth';
import { UserSession } from './user-session.ts';

/** The user who approves agents and owns hosts unless a control request names another one. */
export const DEFAULT_APPROVER_ID = 'usr_conformance_approver';

const EMAIL_DOMAIN = 'users.conformance.test';

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
 * The accounts the control adapter acts as. Control requests name users by id, and the harness picks
 * ids of its own (a fresh user per check), so an unknown id is provisioned on first use: signed up
 * through better-auth's own /sign-up/email, with a `user.create.before` database hook (better-auth's
 * documented way to adjust a row before it is written) giving the row the requested id.
 */
export class UserDirectory {
  /** email → id the next sign-up with that email must get. */
  private readonly requestedIds = new Map<string, string>();

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
  async session(userId: string, provision: boolean): Promise<UserSession> {
    const user = await (await this.users()).findUserById(userId);
    if (user) {
      try {
        return await UserSession.signIn(this.issuer, this.origin, user.email);
      } catch (error) {
        throw new CannotActAsUserError(`cannot sign in as user "${userId}": ${(error as Error).message}`);
      }
    }
    if (!provision) throw new UnknownUserError(userId);
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

  clear(): void {
    this.requestedIds.clear();
  }
}
