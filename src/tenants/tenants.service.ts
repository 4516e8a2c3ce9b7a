import { Injectable } from '@nestjs/common';
import { ChangeWriter } from '../changes/change-writer';
import { type Actor, Principal } from '../common/auth/principal';
import { Page, PageRequest } from '../common/http/page';
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
  ) {}

  create(actor: Actor, input: CreateTenantDto): Promise<TenantResponse> {
    return this.changes.write(undefined, actor, VIOLATIONS, async (tx) => {
      const tenant = await this.tenants.insert({ name: input.name, slug: input.slug, status: input.status ?? 'active' }, tx);
      return {
        result: toTenantResponse(tenant),
        audit: {
          tenantId: tenant.id,
          action: 'tenant.created',
          target: { type: 'tenant', id: tenant.id },
          details: { ...input },
        },
      };
    });
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

  /** Everything of the tenant goes with it (ON DELETE CASCADE); its audit trail stays. */
  remove(tenantId: string, actor: Actor): Promise<void> {
    return this.changes.write(tenantId, actor, {}, async (tx) => {
      if (!(await this.tenants.delete(tenantId, tx))) throw TenantsErrors.notFound.error();
      return { result: undefined, audit: { action: 'tenant.deleted', target: { type: 'tenant', id: tenantId } } };
    });
  }

  /** 404 unless the tenant exists; used by every tenant-scoped module. */
  async assertExists(tenantId: string): Promise<void> {
    if (!(await this.tenants.exists(tenantId))) throw TenantsErrors.notFound.error();
  }
}
