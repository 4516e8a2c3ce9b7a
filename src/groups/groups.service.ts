import { Injectable } from '@nestjs/common';
import { ChangeWriter } from '../changes/change-writer';
import type { Actor } from '../common/auth/principal';
import type { Tx } from '../common/database/transaction';
import type { RequestConsistency } from '../common/http/consistency';
import { Page, PageRequest } from '../common/http/page';
import { type IfMatch, matchableVersions, namesVersions, Versioned } from '../common/http/versioned';
import { DeletionsErrors } from '../deletions/deletions.errors';
import { DeletionsRepository } from '../deletions/deletions.repository';
import { DeletionResponse } from '../deletions/dto/deletion.dto';
import { toDeletionResponse } from '../deletions/dto/deletion.mapper';
import type { IdempotentRequest } from '../idempotency/idempotent-request';
import { TenantsErrors } from '../tenants/tenants.errors';
import { TenantsService } from '../tenants/tenants.service';
import { UsersErrors } from '../users/users.errors';
import { CreateGroupDto } from './dto/create-group.dto';
import { GroupMemberResponse, GroupResponse } from './dto/group.dto';
import { toGroupResponse } from './dto/group.mapper';
import { toGroupMemberResponse } from './dto/group-member.mapper';
import { UpdateGroupDto } from './dto/update-group.dto';
import { GroupMembersRepository } from './group-members.repository';
import { GroupsErrors } from './groups.errors';
import { GroupsRepository } from './groups.repository';

const GROUP_VIOLATIONS = { duplicate: GroupsErrors.nameTaken, missingReference: TenantsErrors.notFound };
const MEMBER_VIOLATIONS = { missingReference: GroupsErrors.goneMeanwhile };

@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly members: GroupMembersRepository,
    private readonly tenants: TenantsService,
    private readonly changes: ChangeWriter,
    private readonly deletions: DeletionsRepository,
  ) {}

  create(
    tenantId: string,
    actor: Actor,
    input: CreateGroupDto,
    idempotency?: IdempotentRequest,
  ): Promise<Versioned<GroupResponse>> {
    const write = async (tx: Tx) => {
      const group = await this.groups.insert(tenantId, { name: input.name, description: input.description ?? null }, tx);
      return {
        result: new Versioned(toGroupResponse(group), group.version),
        audit: { action: 'group.created' as const, target: { type: 'group' as const, id: group.id }, details: { ...input } },
      };
    };
    return this.changes.write(tenantId, actor, GROUP_VIOLATIONS, write, { idempotency });
  }

  /** Ordered by name, then id; `q` matches the name, case-insensitively. */
  async list(tenantId: string, page: PageRequest, q?: string, consistency?: RequestConsistency): Promise<Page<GroupResponse>> {
    await this.tenants.assertExists(tenantId, consistency);
    const { rows, total } = await this.groups.page(tenantId, page, q, consistency);
    return new Page(rows.map(toGroupResponse), page.page, page.perPage, total);
  }

  async get(tenantId: string, groupId: string): Promise<Versioned<GroupResponse>> {
    const group = await this.groups.find(tenantId, groupId);
    if (!group) throw GroupsErrors.notFound.error();
    return new Versioned(toGroupResponse(group), group.version);
  }

  /** With If-Match: only if the group is still at a version it names (412 otherwise, nothing changed). */
  update(
    tenantId: string,
    groupId: string,
    actor: Actor,
    input: UpdateGroupDto,
    ifMatch?: IfMatch,
  ): Promise<Versioned<GroupResponse>> {
    return this.changes.write(tenantId, actor, GROUP_VIOLATIONS, async (tx) => {
      const group = await this.groups.update(tenantId, groupId, input, matchableVersions(ifMatch), tx);
      if (!group) {
        throw namesVersions(ifMatch) && (await this.groups.exists(tenantId, groupId))
          ? GroupsErrors.versionMismatch.error()
          : GroupsErrors.notFound.error();
      }
      return {
        result: new Versioned(toGroupResponse(group), group.version),
        audit: { action: 'group.updated', target: { type: 'group', id: groupId }, details: { ...input } },
      };
    });
  }

  /**
   * Memberships and the group's assignments go with it. A small group is deleted now
   * (undefined: 204); a large one is invisible from now on, its assignments gone, and its
   * memberships removed in the background (the deletion: 202). With If-Match: only if the
   * group is still at a version it names (412 otherwise), compared while its row is locked.
   */
  remove(tenantId: string, groupId: string, actor: Actor, ifMatch?: IfMatch): Promise<DeletionResponse | undefined> {
    return this.changes.write(tenantId, actor, {}, async (tx) => {
      const size = await this.groups.lockForDeletion(tenantId, groupId, tx);
      if (!size) throw GroupsErrors.notFound.error();
      const versions = matchableVersions(ifMatch);
      if (versions && !versions.includes(size.version)) throw GroupsErrors.versionMismatch.error();
      const target = { type: 'group', id: groupId } as const;
      if (size.rows <= size.inlineLimit) {
        await this.groups.delete(tenantId, groupId, tx);
        return {
          result: undefined,
          audit: { action: 'group.deleted', target },
          events: [{ type: 'group.deleted', data: { group_id: groupId } }],
        };
      }
      await this.groups.markDeleted(tenantId, groupId, tx);
      const deletion = toDeletionResponse(await this.deletions.accept(tenantId, 'group', groupId, actor, tx));
      // Emitted at acceptance: from the 202 on, the group grants nothing.
      return {
        result: deletion,
        audit: { action: 'group.deleted', target, details: { deletion_id: deletion.id } },
        events: [{ type: 'group.deleted', data: { group_id: groupId, deletion_id: deletion.id } }],
      };
    });
  }

  /** The latest deletion of the group carried out in the background. */
  async deletion(tenantId: string, groupId: string): Promise<DeletionResponse> {
    const deletion = await this.deletions.latest(tenantId, 'group', groupId);
    if (!deletion) throw DeletionsErrors.notFound.error();
    return toDeletionResponse(deletion);
  }

  async listMembers(
    tenantId: string,
    groupId: string,
    page: PageRequest,
    consistency?: RequestConsistency,
  ): Promise<Page<GroupMemberResponse>> {
    await this.assertExists(tenantId, groupId, consistency);
    const { rows, total } = await this.members.page(tenantId, groupId, page, consistency);
    return new Page(rows.map(toGroupMemberResponse), page.page, page.perPage, total);
  }

  async addMember(
    tenantId: string,
    groupId: string,
    userId: string,
    actor: Actor,
    idempotency?: IdempotentRequest,
  ): Promise<GroupMemberResponse> {
    const write = async (tx: Tx) => {
      const held = await this.members.holdForMember(tenantId, groupId, userId, tx);
      if (!held.tenant || !held.group) throw GroupsErrors.notFound.error();
      if (!held.user) throw UsersErrors.notFound.error();
      const member = await this.members.add(tenantId, groupId, userId, tx);
      if (!member) throw GroupsErrors.alreadyMember.error();
      return {
        result: toGroupMemberResponse(member),
        audit: {
          action: 'group.member_added' as const,
          target: { type: 'group' as const, id: groupId },
          details: { user_id: userId },
        },
        events: [{ type: 'group.member_added' as const, data: { group_id: groupId, user_id: userId } }],
      };
    };
    return this.changes.write(tenantId, actor, MEMBER_VIOLATIONS, write, { workHoldsTenant: true, idempotency });
  }

  removeMember(tenantId: string, groupId: string, userId: string, actor: Actor): Promise<void> {
    return this.changes.write(tenantId, actor, {}, async (tx) => {
      if (!(await this.members.remove(tenantId, groupId, userId, tx))) throw GroupsErrors.notMember.error();
      return {
        result: undefined,
        audit: { action: 'group.member_removed', target: { type: 'group', id: groupId }, details: { user_id: userId } },
        events: [{ type: 'group.member_removed', data: { group_id: groupId, user_id: userId } }],
      };
    });
  }

  /** 404 unless the group exists in this tenant (with a request's consistency: where its list reads are served). */
  async assertExists(tenantId: string, groupId: string, consistency?: RequestConsistency): Promise<void> {
    if (!(await this.groups.exists(tenantId, groupId, consistency))) throw GroupsErrors.notFound.error();
  }
}
