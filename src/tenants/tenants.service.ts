import { Injectable } from '@nestjs/common';
import { ChangeWriter } from '../changes/change-writer';
import { type Actor, Principal } from '../common/auth/principal';
import type { Tx } from '../common/database/transaction';
import type { RequestConsistency } from '../common/http/consistency';
import { Page, PageRequest } from '../common/http/page';
import { DeletionsErrors } from '../deletions/deletions.errors';
import { DeletionsRepository } from '../deletions/deletions.repository';
import { DeletionResponse } from '../deletions/dto/deletion.dto';
import { toDeletionResponse } from '../deletions/dto/deletion.mapper';
import type { IdempotentRequest } from '../idempotency/idempotent-request';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantResponse } from './dto/tenant.dto';
import { toTenantResponse } from './dto/tenant.mapper';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantsErrors } from './tenants.errors';
import { TenantsRepository } from './tenants.repository';

const VIOLATIONS = { duplicate: TenantsErrors.slugTaken };

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly changes: ChangeWriter,
    private readonly deletions: DeletionsRepository,
  ) {}

  create(actor: Actor, input: CreateTenantDto, idempotency?: IdempotentRequest): Promise<TenantResponse> {
    const write = async (tx: Tx) => {
      const tenant = await this.tenants.insert({ name: input.name, slug: input.slug, status: input.status ?? 'active' }, tx);
      return {
        result: toTenantResponse(tenant),
        audit: {
          tenantId: tenant.id,
          action: 'tenant.created' as const,
          target: { type: 'tenant' as const, id: tenant.id },
          details: { ...input },
        },
      };
    };
    return this.changes.write(undefined, actor, VIOLATIONS, write, { idempotency });
  }

  /** A platform admin sees every tenant; anyone else only the one their token acts in. */
  async list(principal: Principal, page: PageRequest): Promise<Page<TenantResponse>> {
    const { rows, total } = await this.tenants.page(page, principal.isPlatformAdmin ? undefined : principal.tenantId);
    return new Page(rows.map(toTenantResponse), page.page, page.perPage, total);
  }

  async get(tenantId: string): Promise<TenantResponse> {
    const tenant = await this.tenants.find(tenantId);
    if (!tenant) throw TenantsErrors.notFound.error();
    return toTenantResponse(tenant);
  }

  update(tenantId: string, actor: Actor, input: UpdateTenantDto): Promise<TenantResponse> {
    return this.changes.write(tenantId, actor, VIOLATIONS, async (tx) => {
      const tenant = await this.tenants.update(tenantId, input, tx);
      if (!tenant) throw TenantsErrors.notFound.error();
      return {
        result: toTenantResponse(tenant),
        audit: { action: 'tenant.updated', target: { type: 'tenant', id: tenantId }, details: { ...input } },
      };
    });
  }

  /**
   * Everything of the tenant goes with it; its audit trail stays. A small tenant is deleted
   * now (undefined: 204); a large one is invisible from now on and removed in the background
   * (the deletion: 202).
   */
  remove(tenantId: string, actor: Actor): Promise<DeletionResponse | undefined> {
    return this.changes.write(tenantId, actor, {}, async (tx) => {
      const size = await this.tenants.lockForDeletion(tenantId, tx);
      if (!size) throw TenantsErrors.notFound.error();
      const target = { type: 'tenant', id: tenantId } as const;
      if (size.rows <= size.inlineLimit) {
        await this.tenants.delete(tenantId, tx);
        return { result: undefined, audit: { action: 'tenant.deleted', target } };
      }
      await this.tenants.markDeleted(tenantId, tx);
      const deletion = toDeletionResponse(await this.deletions.accept(tenantId, 'tenant', tenantId, actor, tx));
      return { result: deletion, audit: { action: 'tenant.deleted', target, details: { deletion_id: deletion.id } } };
    });
  }

  /** The latest deletion of the tenant (readable to its end, the tenant itself being gone). */
  async deletion(tenantId: string): Promise<DeletionResponse> {
    const deletion = await this.deletions.latest(tenantId, 'tenant', tenantId);
    if (!deletion) throw DeletionsErrors.notFound.error();
    return toDeletionResponse(deletion);
  }

  /**
   * 404 unless the tenant exists; used by every tenant-scoped module. With a request's
   * consistency, checked where its list reads are served (see TenantsRepository.exists).
   */
  async assertExists(tenantId: string, consistency?: RequestConsistency): Promise<void> {
    if (!(await this.tenants.exists(tenantId, consistency))) throw TenantsErrors.notFound.error();
  }
}
