import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { containsPattern, FOREIGN_KEY_VIOLATION, isPostgresError, UNIQUE_VIOLATION } from '../common/database/postgres-errors';
import { offsetOf, Page, PageRequest } from '../common/http/page';
import { TenantsService } from '../tenants/tenants.service';
import { UsersService } from '../users/users.service';
import { CreateGroupDto } from './dto/create-group.dto';
import { GroupMemberResponse, GroupResponse } from './dto/group.dto';
import { toGroupMemberResponse } from './dto/group-member.mapper';
import { toGroupResponse } from './dto/group.mapper';
import { UpdateGroupDto } from './dto/update-group.dto';
import { GroupMembersRepository } from './group-members.repository';
import { GroupEntity } from './group.entity';

@Injectable()
export class GroupsService {
  constructor(
    @InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>,
    private readonly members: GroupMembersRepository,
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
  ) {}

  async create(tenantId: string, input: CreateGroupDto): Promise<GroupResponse> {
    const group = this.groups.create({ tenantId, name: input.name, description: input.description ?? null });
    return toGroupResponse(await this.save(group));
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

  async update(tenantId: string, groupId: string, input: UpdateGroupDto): Promise<GroupResponse> {
    const group = await this.findOrFail(tenantId, groupId);
    if (input.name !== undefined) group.name = input.name;
    if (input.description !== undefined) group.description = input.description;
    return toGroupResponse(await this.save(group));
  }

  /** Memberships and the group's assignments go with it (ON DELETE CASCADE). */
  async remove(tenantId: string, groupId: string): Promise<void> {
    const result = await this.groups.delete({ tenantId, id: groupId });
    if (!result.affected) throw new NotFoundException('Group not found');
  }

  async listMembers(tenantId: string, groupId: string, page: PageRequest): Promise<Page<GroupMemberResponse>> {
    await this.assertExists(tenantId, groupId);
    const { rows, total } = await this.members.page(tenantId, groupId, page);
    return new Page(rows.map(toGroupMemberResponse), page.page, page.perPage, total);
  }

  async addMember(tenantId: string, groupId: string, userId: string): Promise<GroupMemberResponse> {
    await Promise.all([this.assertExists(tenantId, groupId), this.users.assertExists(tenantId, userId)]);
    let added: boolean;
    try {
      added = await this.members.add(tenantId, groupId, userId);
    } catch (error) {
      // The group or user was deleted between the check and the insert.
      if (isPostgresError(error, FOREIGN_KEY_VIOLATION)) throw new NotFoundException('Group or user not found');
      throw error;
    }
    if (!added) throw new ConflictException('User is already a member of this group');
    const member = await this.members.find(tenantId, groupId, userId);
    if (!member) throw new NotFoundException('Group or user not found');
    return toGroupMemberResponse(member);
  }

  async removeMember(tenantId: string, groupId: string, userId: string): Promise<void> {
    if (!(await this.members.remove(tenantId, groupId, userId))) {
      throw new NotFoundException('User is not a member of this group');
    }
  }

  /** 404 unless the group exists in this tenant. */
  async assertExists(tenantId: string, groupId: string): Promise<void> {
    if (!(await this.groups.existsBy({ tenantId, id: groupId }))) throw new NotFoundException('Group not found');
  }

  private async findOrFail(tenantId: string, groupId: string): Promise<GroupEntity> {
    const group = await this.groups.findOneBy({ tenantId, id: groupId });
    if (!group) throw new NotFoundException('Group not found');
    return group;
  }

  private async save(group: GroupEntity): Promise<GroupEntity> {
    try {
      return await this.groups.save(group);
    } catch (error) {
      if (isPostgresError(error, UNIQUE_VIOLATION)) throw new ConflictException('A group with this name already exists in this tenant');
      if (isPostgresError(error, FOREIGN_KEY_VIOLATION)) throw new NotFoundException('Tenant not found');
      throw error;
    }
  }
}
