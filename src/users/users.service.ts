import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { containsPattern } from '../common/database/postgres-errors';
import { inTransaction } from '../common/database/transaction';
import { offsetOf, Page, PageRequest } from '../common/http/page';
import { TenantsService } from '../tenants/tenants.service';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponse } from './dto/user.dto';
import { toUserResponse } from './dto/user.mapper';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, tenantId: string, input: CreateUserDto): Promise<UserResponse> {
    return this.write(async (manager) => {
      const user = await manager.save(
        manager.create(UserEntity, {
          tenantId,
          email: input.email,
          displayName: input.display_name,
          status: input.status ?? 'active',
        }),
      );
      await this.audit.record(manager, tenantId, actor, 'user.created', { type: 'user', id: user.id }, { ...input });
      return toUserResponse(user);
    });
  }

  /** Ordered by email, then id; `q` matches email or display name, case-insensitively. */
  async list(tenantId: string, page: PageRequest, q?: string): Promise<Page<UserResponse>> {
    await this.tenants.assertExists(tenantId);
    const query = this.users.createQueryBuilder('u').where('u.tenant_id = :tenantId', { tenantId });
    if (q) {
      query.andWhere('(u.email ILIKE :pattern OR u.display_name ILIKE :pattern)', { pattern: containsPattern(q) });
    }
    const [rows, total] = await query
      .orderBy('u.email', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .offset(offsetOf(page))
      .limit(page.perPage)
      .getManyAndCount();
    return new Page(rows.map(toUserResponse), page.page, page.perPage, total);
  }

  async get(tenantId: string, userId: string): Promise<UserResponse> {
    return toUserResponse(await this.findOrFail(tenantId, userId));
  }

  async update(actor: Actor, tenantId: string, userId: string, input: UpdateUserDto): Promise<UserResponse> {
    return this.write(async (manager) => {
      const user = await this.findOrFail(tenantId, userId, manager);
      if (input.email !== undefined) user.email = input.email;
      if (input.display_name !== undefined) user.displayName = input.display_name;
      if (input.status !== undefined) user.status = input.status;
      const saved = await manager.save(user);
      await this.audit.record(manager, tenantId, actor, 'user.updated', { type: 'user', id: userId }, { ...input });
      return toUserResponse(saved);
    });
  }

  /** Memberships and assignments go with the user (ON DELETE CASCADE, one statement). */
  async remove(actor: Actor, tenantId: string, userId: string): Promise<void> {
    await this.write(async (manager) => {
      const result = await manager.delete(UserEntity, { tenantId, id: userId });
      if (!result.affected) throw new NotFoundException('User not found');
      await this.audit.record(manager, tenantId, actor, 'user.deleted', { type: 'user', id: userId });
    });
  }

  /** 404 unless the user exists in this tenant. */
  async assertExists(tenantId: string, userId: string): Promise<void> {
    if (!(await this.users.existsBy({ tenantId, id: userId }))) throw new NotFoundException('User not found');
  }

  private async findOrFail(tenantId: string, userId: string, manager: EntityManager = this.users.manager): Promise<UserEntity> {
    const user = await manager.findOneBy(UserEntity, { tenantId, id: userId });
    if (!user) throw new NotFoundException('User not found');
    return user;
  }

  /** One transaction for the change and its audit event. */
  private write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTransaction(this.users.manager, work, {
      duplicate: 'A user with this email already exists in this tenant',
      missingReference: 'Tenant not found',
    });
  }
}
