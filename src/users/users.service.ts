import { Injectable } from '@nestjs/common';
import type { ChangeEvent } from '../change-events/change-event-types';
import { ChangeWriter } from '../changes/change-writer';
import type { Actor } from '../common/auth/principal';
import type { Tx } from '../common/database/transaction';
import type { RequestConsistency } from '../common/http/consistency';
import { Page, PageRequest } from '../common/http/page';
import { type IfMatch, matchableVersions, namesVersions, Versioned } from '../common/http/versioned';
import type { IdempotentRequest } from '../idempotency/idempotent-request';
import { TenantsErrors } from '../tenants/tenants.errors';
import { TenantsService } from '../tenants/tenants.service';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponse } from './dto/user.dto';
import { toUserResponse } from './dto/user.mapper';
import { UsersErrors } from './users.errors';
import { UsersRepository } from './users.repository';

const VIOLATIONS = { duplicate: UsersErrors.emailTaken, missingReference: TenantsErrors.notFound };

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tenants: TenantsService,
    private readonly changes: ChangeWriter,
  ) {}

  create(
    tenantId: string,
    actor: Actor,
    input: CreateUserDto,
    idempotency?: IdempotentRequest,
  ): Promise<Versioned<UserResponse>> {
    const write = async (tx: Tx) => {
      const user = await this.users.insert(
        tenantId,
        { email: input.email, display_name: input.display_name, status: input.status ?? 'active' },
        tx,
      );
      return {
        result: new Versioned(toUserResponse(user), user.version),
        audit: { action: 'user.created' as const, target: { type: 'user' as const, id: user.id }, details: { ...input } },
      };
    };
    return this.changes.write(tenantId, actor, VIOLATIONS, write, { idempotency });
  }

  /** Ordered by email, then id; `q` matches email or display name, case-insensitively. */
  async list(tenantId: string, page: PageRequest, q?: string, consistency?: RequestConsistency): Promise<Page<UserResponse>> {
    await this.tenants.assertExists(tenantId, consistency);
    const { rows, total } = await this.users.page(tenantId, page, q, consistency);
    return new Page(rows.map(toUserResponse), page.page, page.perPage, total);
  }

  async get(tenantId: string, userId: string): Promise<Versioned<UserResponse>> {
    const user = await this.users.find(tenantId, userId);
    if (!user) throw UsersErrors.notFound.error();
    return new Versioned(toUserResponse(user), user.version);
  }

  /** With If-Match: only if the user is still at a version it names (412 otherwise, nothing changed). */
  update(
    tenantId: string,
    userId: string,
    actor: Actor,
    input: UpdateUserDto,
    ifMatch?: IfMatch,
  ): Promise<Versioned<UserResponse>> {
    return this.changes.write(tenantId, actor, VIOLATIONS, async (tx) => {
      // A status change is a change event: the status before it is read with the row held.
      const previousStatus = input.status !== undefined ? await this.users.lockStatus(tenantId, userId, tx) : undefined;
      const user = await this.users.update(tenantId, userId, input, matchableVersions(ifMatch), tx);
      if (!user) throw await this.missOf(tenantId, userId, ifMatch);
      const events: ChangeEvent[] =
        previousStatus !== undefined && previousStatus !== user.status
          ? [{ type: 'user.status_changed', data: { user_id: userId, previous_status: previousStatus, status: user.status } }]
          : [];
      return {
        result: new Versioned(toUserResponse(user), user.version),
        audit: { action: 'user.updated', target: { type: 'user', id: userId }, details: { ...input } },
        events,
      };
    });
  }

  /** Memberships and assignments go with the user (ON DELETE CASCADE, one statement). */
  remove(tenantId: string, userId: string, actor: Actor, ifMatch?: IfMatch): Promise<void> {
    return this.changes.write(tenantId, actor, {}, async (tx) => {
      if (!(await this.users.delete(tenantId, userId, matchableVersions(ifMatch), tx)))
        throw await this.missOf(tenantId, userId, ifMatch);
      return {
        result: undefined,
        audit: { action: 'user.deleted', target: { type: 'user', id: userId } },
        events: [{ type: 'user.deleted', data: { user_id: userId } }],
      };
    });
  }

  /** Why a conditional change found no row: the user is not there (404), or at another version (412). */
  private async missOf(tenantId: string, userId: string, ifMatch: IfMatch | undefined): Promise<Error> {
    return namesVersions(ifMatch) && (await this.users.exists(tenantId, userId))
      ? UsersErrors.versionMismatch.error()
      : UsersErrors.notFound.error();
  }

  /** 404 unless the user exists in this tenant (read in the transaction `tx` when given). */
  async assertExists(tenantId: string, userId: string, tx?: Tx): Promise<void> {
    if (!(await this.users.exists(tenantId, userId, tx))) throw UsersErrors.notFound.error();
  }
}
