import { Injectable } from '@nestjs/common';
import { ChangeWriter } from '../changes/change-writer';
import type { Actor } from '../common/auth/principal';
import { Page, PageRequest } from '../common/http/page';
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

  create(tenantId: string, actor: Actor, input: CreateUserDto): Promise<UserResponse> {
    return this.changes.write(tenantId, actor, VIOLATIONS, async (tx) => {
      const user = await this.users.insert(
        tenantId,
        { email: input.email, display_name: input.display_name, status: input.status ?? 'active' },
        tx,
      );
      return {
        result: toUserResponse(user),
        audit: { action: 'user.created', target: { type: 'user', id: user.id }, details: { ...input } },
      };
    });
  }

  /** Ordered by email, then id; `q` matches email or display name, case-insensitively. */
  async list(tenantId: string, page: PageRequest, q?: string): Promise<Page<UserResponse>> {
    await this.tenants.assertExists(tenantId);
    const { rows, total } = await this.users.page(tenantId, page, q);
    return new Page(rows.map(toUserResponse), page.page, page.perPage, total);
  }

  async get(tenantId: string, userId: string): Promise<UserResponse> {
    const user = await this.users.find(tenantId, userId);
    if (!user) throw UsersErrors.notFound.error();
    return toUserResponse(user);
  }

  update(tenantId: string, userId: string, actor: Actor, input: UpdateUserDto): Promise<UserResponse> {
    return this.changes.write(tenantId, actor, VIOLATIONS, async (tx) => {
      const user = await this.users.update(tenantId, userId, input, tx);
      if (!user) throw UsersErrors.notFound.error();
      return {
        result: toUserResponse(user),
        audit: { action: 'user.updated', target: { type: 'user', id: userId }, details: { ...input } },
      };
    });
  }

  /** Memberships and assignments go with the user (ON DELETE CASCADE, one statement). */
  remove(tenantId: string, userId: string, actor: Actor): Promise<void> {
    return this.changes.write(tenantId, actor, {}, async (tx) => {
      if (!(await this.users.delete(tenantId, userId, tx))) throw UsersErrors.notFound.error();
      return { result: undefined, audit: { action: 'user.deleted', target: { type: 'user', id: userId } } };
    });
  }

  /** 404 unless the user exists in this tenant. */
  async assertExists(tenantId: string, userId: string): Promise<void> {
    if (!(await this.users.exists(tenantId, userId))) throw UsersErrors.notFound.error();
  }
}
