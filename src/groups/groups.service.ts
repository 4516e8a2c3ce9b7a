import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { containsPattern } from '../common/database/postgres-errors';
import { inTransaction } from '../common/database/transaction';
import { offsetOf, Page, PageRequest } from '../common/http/page';
import { TenantsService } from '../tenants/tenants.service';
import { UsersService } from '../users/users.service';
import { CreateGroupDto } from './dto/create-group.dto';
import { GroupMemberResponse, GroupResponse } from './dto/group.dto';
import { toGroupResponse } from './dto/group.mapper';
import { toGroupMemberResponse } from './dto/group-member.mapper';
import { UpdateGroupDto } from './dto/update-group.dto';
import { GroupEntity } from './group.entity';
import { GroupMembersRepository } from './group-members.repository';

@Injectable()
export class GroupsService {
  constructor(
    @InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>,
    private readonly members: GroupMembersRepository,
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, tenantId: string, input: CreateGroupDto): Promise<GroupResponse> {
    return this.write(async (manager) => {
      const group = await manager.save(
        manager.create(GroupEntity, { tenantId, name: input.name, description: input.description ?? null }),
      );
      await this.audit.record(manager, tenantId, actor, 'group.created', { type: 'group', id: group.id }, { ...input });
      return toGroupResponse(group);
    });
  }

  /** Ordered by name, then id; `q` matches the name, case-insensitively. */
  async list(tenantId: string, page: PageRequest, q?: string): Promise<Page<GroupResponse>> {
    await this.tenants.assertExists(tenantId);
    const query = this.groups.createQueryBuilder('g').where('g.tenant_id = :tenantId', { tenantId });
    if (q) query.andWhere('g.name ILIKE :pattern', { pattern: containsPattern(q) });
    const [rows, total] = await query
      .orderBy('g.name', 'ASC')
      .addOrderBy('g.id', 'ASC')
      .offset(offsetOf(page))
      .limit(page.perPage)
      .getManyAndCount();
    return new Page(rows.map(toGroupResponse), page.page, page.perPage, total);
  }

  async get(tenantId: string, groupId: string): Promise<GroupResponse> {
    return toGroupResponse(await this.findOrFail(tenantId, groupId));
  }

  async update(actor: Actor, tenantId: string, groupId: string, input: UpdateGroupDto): Promise<GroupResponse> {
    return this.write(async (manager) => {
      const group = await this.findOrFail(tenantId, groupId, manager);
      if (input.name !== undefined) group.name = input.name;
      if (input.description !== undefined) group.description = input.description;
      const saved = await manager.save(group);
      await this.audit.record(manager, tenantId, actor, 'group.updated', { type: 'group', id: groupId }, { ...input });
      return toGroupResponse(saved);
    });
  }

  /** Memberships and the group's assignments go with it (ON DELETE CASCADE). */
  async remove(actor: Actor, tenantId: string, groupId: string): Promise<void> {
    await this.write(async (manager) => {
      const result = await manager.delete(GroupEntity, { tenantId, id: groupId });
      if (!result.affected) throw new NotFoundException('Group not found');
      await this.audit.record(manager, tenantId, actor, 'group.deleted', { type: 'group', id: groupId });
    });
  }

  async listMembers(tenantId: string, groupId: string, page: PageRequest): Promise<Page<GroupMemberResponse>> {
    await this.assertExists(tenantId, groupId);
    const { rows, total } = await this.members.page(tenantId, groupId, page);
    return new Page(rows.map(toGroupMemberResponse), page.page, page.perPage, total);
  }

  async addMember(actor: Actor, tenantId: string, groupId: string, userId: string): Promise<GroupMemberResponse> {
    await Promise.all([this.assertExists(tenantId, groupId), this.users.assertExists(tenantId, userId)]);
    return this.write(async (manager) => {
      if (!(await this.members.add(tenantId, groupId, userId, manager))) {
        throw new ConflictException('User is already a member of this group');
      }
      const member = await this.members.find(tenantId, groupId, userId, manager);
      if (!member) throw new NotFoundException('Group or user not found');
      await this.audit.record(
        manager,
        tenantId,
        actor,
        'group.member_added',
        { type: 'group', id: groupId },
        { user_id: userId },
      );
      return toGroupMemberResponse(member);
    });
  }

  async removeMember(actor: Actor, tenantId: string, groupId: string, userId: string): Promise<void> {
    await this.write(async (manager) => {
      if (!(await this.members.remove(tenantId, groupId, userId, manager))) {
        throw new NotFoundException('User is not a member of this group');
      }
      await this.audit.record(
        manager,
        tenantId,
        actor,
        'group.member_removed',
        { type: 'group', id: groupId },
        { user_id: userId },
      );
    });
  }

  /** 404 unless the group exists in this tenant. */
  async assertExists(tenantId: string, groupId: string): Promise<void> {
    if (!(await this.groups.existsBy({ tenantId, id: groupId }))) throw new NotFoundException('Group not found');
  }

  private async findOrFail(
    tenantId: string,
    groupId: string,
    manager: EntityManager = this.groups.manager,
  ): Promise<GroupEntity> {
    const group = await manager.findOneBy(GroupEntity, { tenantId, id: groupId });
    if (!group) throw new NotFoundException('Group not found');
    return group;
  }

  /**
   * One transaction for the change and its audit event. A foreign-key violation means
   * the tenant, group or user was deleted meanwhile.
   */
  private write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTransaction(this.groups.manager, work, {
      duplicate: 'A group with this name already exists in this tenant',
      missingReference: 'Tenant, group or user not found',
    });
  }
}
